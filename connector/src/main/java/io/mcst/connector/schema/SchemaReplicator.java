package io.mcst.connector.schema;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's side: before a record whose key or value carries a schema id is replayed, registers the archived
 * schema in the target registry under the subjects it had (its references first), and, if asked, rewrites the id
 * in the bytes to the one the target registry assigned. Each archived id is registered once per task. Not
 * thread-safe: the task thread drives it.
 */
public final class SchemaReplicator {
    private static final Logger log = LoggerFactory.getLogger(SchemaReplicator.class);
    private static final SchemaReplicator OFF = new SchemaReplicator();

    private final KeyValueStore store;
    private final ArchiveLayout layout;
    private final SchemaRegistryClient target;
    private final boolean rewrite;
    /** Archived id to target id; empty for an id the archive holds no schema of (only when not rewriting). */
    private final Map<Integer, OptionalInt> targetIds = new HashMap<>();
    /** Per subject, the archived ids by their version in the source registry; read at the first registration. */
    private Map<String, NavigableMap<Integer, Integer>> archivedVersions;
    /** Ids being registered, so a schema whose subjects list each other's versions in other orders ends. */
    private final Set<Integer> registering = new HashSet<>();

    /**
     * @param rewrite whether replayed bytes carry the target's id instead of the archived one (the bytes then
     *     differ from the archive's where the ids differ)
     */
    public SchemaReplicator(KeyValueStore store, ArchiveLayout layout, SchemaRegistryClient target, boolean rewrite) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.target = requireNonNull(target, "target");
        this.rewrite = rewrite;
    }

    private SchemaReplicator() {
        this.store = null;
        this.layout = null;
        this.target = null;
        this.rewrite = false;
    }

    /** One that leaves every record as archived: no target registry is configured. */
    public static SchemaReplicator off() {
        return OFF;
    }

    /**
     * Makes sure the schema {@code keyOrValue} names is registered in the target; returns {@code keyOrValue}, or a
     * copy with the target's id when rewriting and the ids differ. Anything not in the wire format comes back as is.
     *
     * @throws SchemaRegistryUnavailableException the target registry did not answer (retriable)
     * @throws io.mcst.stores.StoreUnavailableException the stores could not serve the archived schema (retriable)
     * @throws ConnectException the target refused the schema (incompatible, invalid), or rewriting an id the
     *     archive holds no schema of and does not mark as unknown to the sink's registry
     */
    public Object replay(Object keyOrValue) {
        if (target == null || !(keyOrValue instanceof byte[] bytes)) {
            return keyOrValue;
        }
        OptionalInt id = WireFormat.schemaId(bytes);
        if (id.isEmpty()) {
            return keyOrValue;
        }
        OptionalInt targetId = targetId(id.getAsInt());
        if (rewrite && targetId.isPresent() && targetId.getAsInt() != id.getAsInt()) {
            return WireFormat.withSchemaId(bytes, targetId.getAsInt());
        }
        return keyOrValue;
    }

    private OptionalInt targetId(int archivedId) {
        OptionalInt known = targetIds.get(archivedId);
        if (known != null) {
            return known;
        }
        String key = layout.schemaKey(archivedId);
        Optional<ArchivedSchema> archived = read(key);
        if (archived.isEmpty() && store.get(layout.unknownSchemaKey(archivedId)).isPresent()) {
            log.info("Schema id {}: the sink's registry did not know it, so the records that seem to carry it are not "
                    + "in the registry's wire format; replaying them as archived", archivedId);
            targetIds.put(archivedId, OptionalInt.empty());
            return OptionalInt.empty();
        }
        if (archived.isEmpty()) {
            String problem = "the archive holds no schema for id " + archivedId + " ('" + key + "'): the sink archived "
                    + "its records without " + SchemaRegistryConfig.URL_CONFIG;
            if (rewrite) {
                throw new ConnectException(problem + "; cannot rewrite the id of its records");
            }
            log.warn("{}; replaying its records with the id as archived", problem);
            targetIds.put(archivedId, OptionalInt.empty());
            return OptionalInt.empty();
        }
        int registered = register(archived.get());
        targetIds.put(archivedId, OptionalInt.of(registered));
        return OptionalInt.of(registered);
    }

    private Optional<ArchivedSchema> read(String key) {
        return store.get(key).map(bytes -> ArchivedSchema.parse(key, bytes));
    }

    /**
     * Registers {@code archived} under each of its subjects, its references first, and before it the earlier
     * versions of those subjects that the archive holds: a subject's versions then come in the source's order
     * whichever record a replay meets first (partitions replay concurrently, producers roll a new version out
     * gradually), so the target's compatibility checks pass where the source's did and its latest version is the
     * source's. Returns the target's id.
     */
    private int register(ArchivedSchema archived) {
        registering.add(archived.id());
        try {
            for (SubjectVersion subject : archived.subjects()) {
                for (int earlier : archivedVersions().getOrDefault(subject.subject(), new TreeMap<>())
                        .headMap(subject.version()).values()) {
                    if (!registering.contains(earlier)) {
                        targetId(earlier);
                    }
                }
            }
            return registerItself(archived);
        } finally {
            registering.remove(archived.id());
        }
    }

    private Map<String, NavigableMap<Integer, Integer>> archivedVersions() {
        if (archivedVersions == null) {
            Map<String, NavigableMap<Integer, Integer>> versions = new HashMap<>();
            layout.schemaKeys(store).forEach((id, key) -> read(key).ifPresent(schema -> schema.subjects()
                    .forEach(subject -> versions.computeIfAbsent(subject.subject(), s -> new TreeMap<>())
                            .put(subject.version(), id))));
            archivedVersions = versions;
        }
        return archivedVersions;
    }

    private int registerItself(ArchivedSchema archived) {
        RegistrySchema schema = archived.schema();
        List<SchemaReference> references = new ArrayList<>();
        for (int i = 0; i < schema.references().size(); i++) {
            SchemaReference reference = schema.references().get(i);
            OptionalInt referenced = targetId(archived.referenceIds().get(i));
            if (referenced.isEmpty()) {
                throw new ConnectException("schema id " + archived.id() + " references '" + reference.subject()
                        + "' version " + reference.version() + " (id " + archived.referenceIds().get(i)
                        + "), which the archive does not hold; cannot register it in " + target);
            }
            references.add(new SchemaReference(reference.name(), reference.subject(),
                    targetVersion(referenced.getAsInt(), reference.subject())));
        }
        if (archived.subjects().isEmpty()) {
            throw new ConnectException("archived schema id " + archived.id() + " names no subject; cannot register it in "
                    + target);
        }
        RegistrySchema translated = new RegistrySchema(schema.schemaType(), schema.schema(), references);
        Integer targetId = null;
        for (SubjectVersion subject : archived.subjects()) {
            try {
                int id = target.register(subject.subject(), translated);
                targetId = targetId == null ? id : targetId;
            } catch (SchemaRegistryException e) {
                throw new ConnectException("cannot register archived schema id " + archived.id() + " under subject '"
                        + subject.subject() + "' in " + target + ": " + e.getMessage() + (e.status() == 409
                        ? " (the subject holds a schema it is incompatible with: replay into an empty subject, or "
                                + "relax the subject's compatibility level)" : ""), e);
            }
        }
        log.info("Registered archived schema id {} as id {} in {} under {}", archived.id(), targetId, target,
                archived.subjects().stream().map(SubjectVersion::subject).toList());
        return targetId;
    }

    /** The version of {@code subject} that target id {@code id} is, for a reference to it. */
    private int targetVersion(int id, String subject) {
        return target.versionsOf(id, false).stream().filter(version -> version.subject().equals(subject))
                .mapToInt(SubjectVersion::version).findFirst()
                .orElseThrow(() -> new ConnectException("target registry " + target + " does not list id " + id
                        + " under subject '" + subject + "' right after registering it there"));
    }
}
