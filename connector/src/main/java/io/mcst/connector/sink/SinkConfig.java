package io.mcst.connector.sink;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.format.AvroCodecs;
import io.mcst.connector.format.RecordFormat;
import io.mcst.connector.format.RecordFormats;
import io.mcst.connector.schema.SchemaRegistryClient;
import io.mcst.connector.schema.SchemaRegistryConfig;
import io.mcst.stack.StackConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The sink's configuration: where and how segments are written, when they rotate, how much memory the
 * task may hold, plus the storage vocabulary of {@link StackConfig}. Connect's own keys ({@code topics},
 * {@code topics.regex}, {@code errors.tolerance}, the dead letter queue) are the framework's.
 */
public final class SinkConfig extends AbstractConfig {
    public static final String FORMAT_CONFIG = "format";
    public static final String DEFAULT_FORMAT = RecordFormats.ENVELOPE;
    public static final String FORMAT_CODEC_CONFIG = "format.codec";
    public static final String DEFAULT_FORMAT_CODEC = AvroCodecs.NULL;
    public static final String ARCHIVE_PREFIX_CONFIG = "archive.prefix";
    public static final String DEFAULT_ARCHIVE_PREFIX = "kafka-archive";

    public static final String FLUSH_SIZE_CONFIG = "flush.size";
    public static final int DEFAULT_FLUSH_SIZE = 10_000;
    public static final String ROTATE_INTERVAL_MS_CONFIG = "rotate.interval.ms";
    public static final long DEFAULT_ROTATE_INTERVAL_MS = -1;
    public static final String ROTATE_SCHEDULE_INTERVAL_MS_CONFIG = "rotate.schedule.interval.ms";
    public static final long DEFAULT_ROTATE_SCHEDULE_INTERVAL_MS = Duration.ofMinutes(1).toMillis();

    public static final String MAX_BUFFERED_BYTES_CONFIG = "max.buffered.bytes";
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 64L << 20;
    public static final String ARCHIVE_RETENTION_MS_CONFIG = "archive.retention.ms";
    public static final long DEFAULT_ARCHIVE_RETENTION_MS = -1;
    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    public static final long DEFAULT_RETRY_BACKOFF_MS = Duration.ofSeconds(5).toMillis();

    public static final String BEHIND_ARCHIVE_CONFIG = "records.behind.archive";
    public static final String BEHIND_ARCHIVE_SKIP = "skip";
    public static final String BEHIND_ARCHIVE_FAIL = "fail";

    public static final String GROUPS_CONFIG = "groups";
    public static final String GROUPS_REGEX_CONFIG = "groups.regex";
    public static final String GROUPS_SNAPSHOT_INTERVAL_MS_CONFIG = "groups.snapshot.interval.ms";
    public static final long DEFAULT_GROUPS_SNAPSHOT_INTERVAL_MS = Duration.ofMinutes(1).toMillis();
    public static final String GROUPS_CLUSTER_PREFIX = "groups.cluster.";
    public static final String GROUPS_BOOTSTRAP_SERVERS_CONFIG = GROUPS_CLUSTER_PREFIX + "bootstrap.servers";

    static final String GROUPS_CLUSTER_MISSING = "set it to the bootstrap servers of the archived cluster, whose "
            + "consumer groups " + GROUPS_CONFIG + "/" + GROUPS_REGEX_CONFIG + " name";

    /** Connect's key; the task reads it to decide what a bad record does when no reporter is configured. */
    static final String ERRORS_TOLERANCE_CONFIG = "errors.tolerance";
    /** Connect's keys naming the archived topics: a list, or a regex. */
    static final String TOPICS_CONFIG = "topics";
    static final String TOPICS_REGEX_CONFIG = "topics.regex";

    private static final String ARCHIVE_GROUP = "Archive";
    private static final String ROTATION_GROUP = "Rotation";
    private static final String GROUPS_GROUP = "Consumer groups";
    private static final String SCHEMAS_GROUP = "Schemas";

    public static final ConfigDef CONFIG_DEF = define(new ConfigDef());

    public SinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef define(ConfigDef def) {
        int order = 0;
        def.define(FORMAT_CONFIG, Type.STRING, DEFAULT_FORMAT, ConfigDef.ValidString.in(RecordFormats.NAMES.toArray(String[]::new)),
                        Importance.HIGH,
                        "How records are stored. envelope: whole Kafka records (key, value, headers, timestamp, "
                                + "offset) in an Avro container, for byte-exact replay; needs ByteArrayConverter as "
                                + "key, value and header converter. avro: struct values only, as Avro records. "
                                + "json: values only, one JSON document per line. bytes: raw values only.",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Format")
                .define(FORMAT_CODEC_CONFIG, Type.STRING, DEFAULT_FORMAT_CODEC,
                        ConfigDef.ValidString.in(AvroCodecs.NAMES.toArray(String[]::new)), Importance.LOW,
                        "Compression codec inside Avro containers (formats envelope and avro): null, deflate, zstd, "
                                + "snappy. Other formats take only null; compress them with the storage layer "
                                + "'compression' instead.",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Format codec")
                .define(ARCHIVE_PREFIX_CONFIG, Type.STRING, DEFAULT_ARCHIVE_PREFIX, archivePrefix(), Importance.MEDIUM,
                        "Root of the archive's keys: segments go to <prefix>/<topic>/<partition>/<first offset>.<ext>.",
                        ARCHIVE_GROUP, ++order, Width.MEDIUM, "Archive prefix")
                .define(MAX_BUFFERED_BYTES_CONFIG, Type.LONG, DEFAULT_MAX_BUFFERED_BYTES, ConfigDef.Range.atLeast(1 << 16),
                        Importance.MEDIUM,
                        "Bound on the record bytes one task holds across all its partitions: open segments and "
                                + "segments still uploading. When reached, the largest open segment is written early "
                                + "or put() waits for uploads to finish.",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Max buffered bytes")
                .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, DEFAULT_RETRY_BACKOFF_MS, ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        "How long Connect waits before redelivering records after the stores could not take a "
                                + "segment (fewer than n - t answered).",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Retry backoff (ms)")
                .define(ARCHIVE_RETENTION_MS_CONFIG, Type.LONG, DEFAULT_ARCHIVE_RETENTION_MS, ConfigDef.Range.atLeast(-1),
                        Importance.MEDIUM,
                        "How long the archive keeps records, by record time: after writing a segment, the task "
                                + "deletes its partition's oldest segments whose every record is older than this "
                                + "(at most every 10 minutes per partition), as 'mcst expire --keep' does. -1 keeps "
                                + "everything.",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Archive retention (ms)")
                .define(BEHIND_ARCHIVE_CONFIG, Type.STRING, BEHIND_ARCHIVE_SKIP,
                        ConfigDef.ValidString.in(BEHIND_ARCHIVE_SKIP, BEHIND_ARCHIVE_FAIL), Importance.MEDIUM,
                        "What to do with a record at or below an offset the task already archived or buffered for "
                                + "its partition, other than a redelivery after a retry: the topic was deleted and "
                                + "recreated, or an unclean leader election rewrote its log. skip: log a WARN naming "
                                + "the topic, the partition and both offsets, count it in the task metric "
                                + "records-behind-archive-total, and go on. fail: stop the task, so an operator "
                                + "decides (e.g. archive the new topic under another archive.prefix).",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Records behind the archive");
        order = 0;
        def.define(FLUSH_SIZE_CONFIG, Type.INT, DEFAULT_FLUSH_SIZE, ConfigDef.Range.atLeast(1), Importance.HIGH,
                        "Records per segment: a partition's segment is written when it holds this many.",
                        ROTATION_GROUP, ++order, Width.SHORT, "Flush size")
                .define(ROTATE_INTERVAL_MS_CONFIG, Type.LONG, DEFAULT_ROTATE_INTERVAL_MS, ConfigDef.Range.atLeast(-1),
                        Importance.MEDIUM,
                        "Record time a segment may span: a record whose timestamp is this far past the segment's "
                                + "first starts a new segment. -1 disables.",
                        ROTATION_GROUP, ++order, Width.SHORT, "Rotate interval (ms, record time)")
                .define(ROTATE_SCHEDULE_INTERVAL_MS_CONFIG, Type.LONG, DEFAULT_ROTATE_SCHEDULE_INTERVAL_MS,
                        ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                        "Wall-clock time a segment may stay open: older segments are written even when no records "
                                + "arrive, so a quiet partition is archived too. -1 disables (then a quiet partition's "
                                + "last records wait for flush.size).",
                        ROTATION_GROUP, ++order, Width.SHORT, "Rotate schedule interval (ms, wall clock)");
        order = 0;
        def.define(GROUPS_CONFIG, Type.LIST, "", Importance.MEDIUM,
                        "Consumer groups whose committed offsets on the archived topics the connector snapshots "
                                + "into the archive, so that after a replay 'mcst restore-offsets' can set each "
                                + "group's position in the replayed topics. Empty (with no " + GROUPS_REGEX_CONFIG
                                + ") snapshots none.",
                        GROUPS_GROUP, ++order, Width.LONG, "Consumer groups")
                .define(GROUPS_REGEX_CONFIG, Type.STRING, null, regex(), Importance.MEDIUM,
                        "Consumer groups to snapshot as well, by a Java regular expression that must match the "
                                + "whole group id.",
                        GROUPS_GROUP, ++order, Width.MEDIUM, "Consumer groups regex")
                .define(GROUPS_SNAPSHOT_INTERVAL_MS_CONFIG, Type.LONG, DEFAULT_GROUPS_SNAPSHOT_INTERVAL_MS,
                        ConfigDef.Range.atLeast(1000), Importance.MEDIUM,
                        "How often the connector's first task reads the groups' committed offsets; it writes a "
                                + "snapshot of a group when they changed since its last one. A restore puts a group "
                                + "at its position as of its last snapshot, so a consumer that committed after it "
                                + "reads again what it consumed in up to this interval before the disaster.",
                        GROUPS_GROUP, ++order, Width.SHORT, "Snapshot interval (ms)")
                .define(GROUPS_BOOTSTRAP_SERVERS_CONFIG, Type.LIST, "", Importance.MEDIUM,
                        "Bootstrap servers of the cluster whose consumer groups are snapshotted (the one archived), "
                                + "required with " + GROUPS_CONFIG + " or " + GROUPS_REGEX_CONFIG + ": Connect gives "
                                + "a task none of the worker's client settings. Other Admin client settings "
                                + "(security) go under " + GROUPS_CLUSTER_PREFIX + ", e.g. " + GROUPS_CLUSTER_PREFIX
                                + "security.protocol.",
                        GROUPS_GROUP, ++order, Width.LONG, "Consumer groups' cluster");
        SchemaRegistryConfig.define(def, SCHEMAS_GROUP, "Schema Registry of the archived topics, e.g. "
                + "http://schema-registry:8081. When set, each schema id that a record key or value carries in the "
                + "registry's wire format (magic byte 0, 4-byte id) is looked up once and its schema (subjects, "
                + "versions, type, text, references) stored in the archive under <prefix>/@schemas/<id>.json, for a "
                + "replay to register in another registry. Records stay byte-exact. While the registry cannot be "
                + "reached, records are redelivered, not dropped. Empty: no schemas are archived.");
        return StackConfig.define(def);
    }

    private static ConfigDef.Validator regex() {
        return (key, value) -> {
            if (value != null) {
                try {
                    Pattern.compile((String) value);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(key, value, "not a Java regular expression: " + e.getDescription());
                }
            }
        };
    }

    /** Accepts what {@link ArchiveLayout} accepts; the source connector checks its archive.prefix with it too. */
    public static ConfigDef.Validator archivePrefix() {
        return (key, value) -> {
            try {
                new ArchiveLayout((String) value);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException(key, value, "use a key prefix like kafka-archive or team/archive ("
                        + e.getMessage() + ")");
            }
        };
    }

    /** The format and codec configured, checked together. @throws ConfigException naming format.codec */
    public RecordFormat format() {
        String name = getString(FORMAT_CONFIG);
        String codec = getString(FORMAT_CODEC_CONFIG);
        try {
            return RecordFormats.of(name, codec);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(FORMAT_CODEC_CONFIG, codec, e.getMessage());
        }
    }

    public ArchiveLayout layout() {
        return new ArchiveLayout(getString(ARCHIVE_PREFIX_CONFIG));
    }

    /** A client of the registry whose schemas are archived, or empty when none is configured. */
    public Optional<SchemaRegistryClient> schemaRegistry() {
        return SchemaRegistryConfig.client(this);
    }

    public int flushSize() {
        return getInt(FLUSH_SIZE_CONFIG);
    }

    public long rotateIntervalMs() {
        return getLong(ROTATE_INTERVAL_MS_CONFIG);
    }

    public long rotateScheduleIntervalMs() {
        return getLong(ROTATE_SCHEDULE_INTERVAL_MS_CONFIG);
    }

    public long maxBufferedBytes() {
        return getLong(MAX_BUFFERED_BYTES_CONFIG);
    }

    public long archiveRetentionMs() {
        return getLong(ARCHIVE_RETENTION_MS_CONFIG);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS_CONFIG);
    }

    /** Whether a record behind the archive fails the task ({@value #BEHIND_ARCHIVE_CONFIG}=fail) instead of being skipped. */
    public boolean failsOnRecordsBehindArchive() {
        return BEHIND_ARCHIVE_FAIL.equals(getString(BEHIND_ARCHIVE_CONFIG));
    }

    /**
     * The consumer groups to snapshot, or empty if none are chosen.
     *
     * @throws ConfigException naming {@value #GROUPS_BOOTSTRAP_SERVERS_CONFIG} when groups are chosen without it
     */
    public Optional<GroupSelection> groupSelection() {
        List<String> ids = getList(GROUPS_CONFIG);
        String regex = getString(GROUPS_REGEX_CONFIG);
        if (ids.isEmpty() && regex == null) {
            return Optional.empty();
        }
        if (getList(GROUPS_BOOTSTRAP_SERVERS_CONFIG).isEmpty()) {
            throw new ConfigException(GROUPS_BOOTSTRAP_SERVERS_CONFIG, "", GROUPS_CLUSTER_MISSING);
        }
        return Optional.of(new GroupSelection(Set.copyOf(ids), Optional.ofNullable(regex).map(Pattern::compile)));
    }

    public long groupsSnapshotIntervalMs() {
        return getLong(GROUPS_SNAPSHOT_INTERVAL_MS_CONFIG);
    }

    /** Admin client settings for the consumer groups' cluster, without their prefix. */
    public Map<String, Object> groupsClusterProperties() {
        return originalsWithPrefix(GROUPS_CLUSTER_PREFIX);
    }

    /** Which topics the connector archives, by Connect's {@code topics} or {@code topics.regex}. */
    public Predicate<String> archivedTopics() {
        Object regex = originals().get(TOPICS_REGEX_CONFIG);
        if (regex != null && !regex.toString().isBlank()) {
            Pattern pattern = Pattern.compile(regex.toString().trim());
            return topic -> pattern.matcher(topic).matches();
        }
        Object topics = originals().get(TOPICS_CONFIG);
        Set<String> named = topics == null ? Set.of()
                : Arrays.stream(topics.toString().split(",")).map(String::trim).collect(Collectors.toUnmodifiableSet());
        return named::contains;
    }

    /** Whether Connect's {@code errors.tolerance} is {@code all}: bad records are skipped, not fatal. */
    public boolean toleratesBadRecords() {
        return "all".equalsIgnoreCase(String.valueOf(originals().getOrDefault(ERRORS_TOLERANCE_CONFIG, "none")).trim());
    }
}
