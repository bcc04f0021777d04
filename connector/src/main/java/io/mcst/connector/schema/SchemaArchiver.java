package io.mcst.connector.schema;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's side: stores in the archive, once, each schema whose id a record's key or value carries (see
 * {@link WireFormat}), with the schemas it references, at {@link ArchiveLayout#schemaKey}. The records
 * themselves are not touched. Ids already handled are remembered for the task's life, so the registry and the
 * stores see each id once per task. Not thread-safe: the task thread drives it.
 */
public final class SchemaArchiver {
    private static final Logger log = LoggerFactory.getLogger(SchemaArchiver.class);
    /** The registry's error code for an id it holds no schema of. */
    private static final int SCHEMA_NOT_FOUND = 40403;

    private final KeyValueStore store;
    private final ArchiveLayout layout;
    private final SchemaRegistryClient registry;
    private final Set<Integer> handled = new HashSet<>();

    public SchemaArchiver(KeyValueStore store, ArchiveLayout layout, SchemaRegistryClient registry) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.registry = requireNonNull(registry, "registry");
    }

    /**
     * Archives the schemas of {@code records} not archived yet. Called before the records are buffered, so a
     * failure leaves nothing half done: Connect redelivers the same records.
     *
     * @throws SchemaRegistryUnavailableException the registry did not answer (retriable)
     * @throws io.mcst.stores.StoreUnavailableException the stores could not take a schema (retriable)
     * @throws SchemaRegistryException the registry refused a request (e.g. the credentials)
     */
    public void archive(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            archiveSchemaOf(record.key());
            archiveSchemaOf(record.value());
        }
    }

    private void archiveSchemaOf(Object keyOrValue) {
        if (keyOrValue instanceof byte[] bytes) {
            OptionalInt id = WireFormat.schemaId(bytes);
            if (id.isPresent()) {
                archive(id.getAsInt());
            }
        }
    }

    private void archive(int id) {
        if (handled.contains(id)) {
            return;
        }
        String key = layout.schemaKey(id);
        if (store.get(key).isEmpty()) { // another task, or this one before a restart, may have archived it
            RegistrySchema schema;
            try {
                schema = registry.schemaById(id);
            } catch (SchemaRegistryException e) {
                if (e.errorCode() != SCHEMA_NOT_FOUND) {
                    // A 404 without the registry's code is a URL that names no registry (a wrong path, a proxy):
                    // marking every id unknown would leave a rewriting replay with the source's ids.
                    throw e;
                }
                // Bytes that merely start like the wire format (a long key's leading zero byte, say), or a schema
                // deleted since: the record is archived all the same, byte-exact, and a replay that rewrites ids
                // learns from the marker to leave these bytes alone.
                log.warn("Schema id {} of a record is not in the registry ({}); archiving its records without it",
                        id, e.getMessage());
                store.put(layout.unknownSchemaKey(id), new byte[0]);
                handled.add(id);
                return;
            }
            List<Integer> referenceIds = new ArrayList<>();
            for (SchemaReference reference : schema.references()) {
                int referenceId = registry.idOf(reference.subject(), reference.version());
                archive(referenceId);
                referenceIds.add(referenceId);
            }
            ArchivedSchema archived = new ArchivedSchema(id, registry.versionsOf(id, true), schema, referenceIds);
            store.put(key, archived.toBytes());
            log.info("Archived schema id {} ({}, subjects {}) as '{}'", id, schema.schemaType(), archived.subjects(), key);
        }
        handled.add(id);
    }
}
