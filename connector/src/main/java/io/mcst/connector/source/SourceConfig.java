package io.mcst.connector.source;

import io.mcst.connector.format.RecordFormats;
import io.mcst.connector.schema.SchemaRegistryClient;
import io.mcst.connector.schema.SchemaRegistryConfig;
import io.mcst.connector.sink.SinkConfig;
import io.mcst.stack.StackConfig;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The source connector's configuration: what to replay, where to, within which bounds; plus the storage vocabulary. */
public final class SourceConfig extends AbstractConfig {
    public static final String ARCHIVE_TOPICS_CONFIG = "archive.topics";
    public static final String ARCHIVE_TOPICS_REGEX_CONFIG = "archive.topics.regex";
    public static final String ARCHIVE_PREFIX_CONFIG = "archive.prefix";
    public static final String FORMAT_CONFIG = "format";
    public static final String FORMAT_AUTO = "auto";

    public static final String TOPIC_RENAME_FORMAT_CONFIG = "topic.rename.format";
    public static final String TOPIC_PLACEHOLDER = "${topic}";
    public static final String TIMESTAMP_MODE_CONFIG = "timestamp.mode";
    public static final String TIMESTAMP_ORIGINAL = "original";
    public static final String TIMESTAMP_NOW = "now";
    /** Client settings (bootstrap servers, security) of the cluster replayed into; see {@link TargetTopics}. */
    public static final String TARGET_CLUSTER_PREFIX = "target.cluster.";
    public static final String TARGET_BOOTSTRAP_SERVERS_CONFIG = TARGET_CLUSTER_PREFIX + "bootstrap.servers";

    public static final String START_OFFSET_CONFIG = "start.offset";
    public static final String START_TIME_CONFIG = "start.time";
    public static final String END_TIME_CONFIG = "end.time";

    public static final String POLL_INTERVAL_MS_CONFIG = "archive.poll.interval.ms";
    public static final long DEFAULT_POLL_INTERVAL_MS = 10_000;
    public static final String BATCH_SIZE_CONFIG = "batch.size";
    public static final int DEFAULT_BATCH_SIZE = 2_000;
    public static final String ORIGIN_HEADERS_CONFIG = "replay.origin.headers";
    public static final String ORIGIN_HEADER_PREFIX_CONFIG = "replay.origin.header.prefix";
    public static final String DEFAULT_ORIGIN_HEADER_PREFIX = "mcst.origin.";

    public static final String SCHEMA_ID_REWRITE_CONFIG = "schema.id.rewrite";

    /** Set by the connector in each task's configuration: the archived partitions that task replays. */
    static final String TASK_PARTITIONS_CONFIG = "task.partitions";

    /** Kafka's rule for topic names; a renamed topic must obey it too. */
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String ARCHIVE_GROUP = "Archive";
    private static final String REPLAY_GROUP = "Replay";
    private static final String SCHEMAS_GROUP = "Schemas";

    public static final ConfigDef CONFIG_DEF = define();

    public SourceConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        crossKeyProblems(values()).forEach((key, problem) -> {
            throw new ConfigException(key, get(key), problem);
        });
    }

    /**
     * Problems that involve two keys, each reported on the key to change, given the parsed values of every key
     * (what {@link ConfigDef#parse} or the worker's validation yields).
     */
    static Map<String, String> crossKeyProblems(Map<String, ?> parsed) {
        Map<String, String> problems = new LinkedHashMap<>();
        boolean list = parsed.get(ARCHIVE_TOPICS_CONFIG) instanceof List<?> topics && !topics.isEmpty();
        boolean regex = parsed.get(ARCHIVE_TOPICS_REGEX_CONFIG) != null;
        if (list == regex) {
            String problem = "set exactly one of " + ARCHIVE_TOPICS_CONFIG + " (a list of archived topics) and "
                    + ARCHIVE_TOPICS_REGEX_CONFIG + " (a regular expression over archived topic names)";
            problems.put(ARCHIVE_TOPICS_CONFIG, problem);
            problems.put(ARCHIVE_TOPICS_REGEX_CONFIG, problem);
        }
        try {
            Optional<Instant> start = parseInstant((String) parsed.get(START_TIME_CONFIG));
            Optional<Instant> end = parseInstant((String) parsed.get(END_TIME_CONFIG));
            if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
                problems.put(END_TIME_CONFIG, "end.time must be after start.time (" + start.get() + ")");
            }
        } catch (DateTimeException | NumberFormatException e) {
            // Reported on the key itself by its validator.
        }
        if (Boolean.TRUE.equals(parsed.get(SCHEMA_ID_REWRITE_CONFIG))
                && String.valueOf(parsed.get(SchemaRegistryConfig.URL_CONFIG)).isBlank()) {
            problems.put(SCHEMA_ID_REWRITE_CONFIG, "rewriting schema ids needs the target registry: set "
                    + SchemaRegistryConfig.URL_CONFIG);
        }
        return problems;
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(ARCHIVE_TOPICS_CONFIG, Type.LIST, List.of(), topicNames(), Importance.HIGH,
                        "Archived topics to replay, by their Kafka topic names, e.g. orders,payments. Set this or " + ARCHIVE_TOPICS_REGEX_CONFIG
                                + ", not both.",
                        ARCHIVE_GROUP, ++order, Width.LONG, "Archived topics")
                .define(ARCHIVE_TOPICS_REGEX_CONFIG, Type.STRING, null, regex(), Importance.HIGH,
                        "Java regular expression: replay every archived topic whose whole name matches, including "
                                + "topics archived after the connector started. Set this or "
                                + ARCHIVE_TOPICS_CONFIG + ", not both.",
                        ARCHIVE_GROUP, ++order, Width.LONG, "Archived topics regex")
                .define(ARCHIVE_PREFIX_CONFIG, Type.STRING, SinkConfig.DEFAULT_ARCHIVE_PREFIX, SinkConfig.archivePrefix(),
                        Importance.MEDIUM,
                        "Key prefix the sink archived under (its " + ARCHIVE_PREFIX_CONFIG + ").",
                        ARCHIVE_GROUP, ++order, Width.MEDIUM, "Archive prefix")
                .define(FORMAT_CONFIG, Type.STRING, FORMAT_AUTO, formatValidator(), Importance.MEDIUM,
                        "Format of the archived segments: auto (detect each segment's format from its extension) "
                                + "or the sink's format name; a segment of another format then fails the task "
                                + "rather than being skipped.",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Format")
                .define(POLL_INTERVAL_MS_CONFIG, Type.LONG, DEFAULT_POLL_INTERVAL_MS, ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        "How often to list the archive for new segments and partitions once a partition is "
                                + "replayed to its end, so the source can mirror a live archive.",
                        ARCHIVE_GROUP, ++order, Width.SHORT, "Archive poll interval (ms)");
        order = 0;
        def.define(TARGET_BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, nonEmptyList(),
                        Importance.HIGH,
                        "Bootstrap servers of the Kafka cluster replayed into (the Connect worker's cluster). Tasks "
                                + "check with it that each target topic exists and has the archived partition, "
                                + "so a topic with too few partitions fails the task with a clear error instead "
                                + "of blocking its producer. Other Admin client settings (security) go under "
                                + TARGET_CLUSTER_PREFIX + ", e.g. " + TARGET_CLUSTER_PREFIX + "security.protocol.",
                        REPLAY_GROUP, ++order, Width.LONG, "Target cluster")
                .define(TOPIC_RENAME_FORMAT_CONFIG, Type.STRING, TOPIC_PLACEHOLDER, topicRenameFormat(),
                        Importance.MEDIUM,
                        "Name of the topic each archived topic is replayed into; " + TOPIC_PLACEHOLDER
                                + " stands for the archived topic, e.g. ${topic}-restored. Records keep their "
                                + "archived partition, so the target topic must exist with at least as many "
                                + "partitions as the archive.",
                        REPLAY_GROUP, ++order, Width.MEDIUM, "Topic rename format")
                .define(TIMESTAMP_MODE_CONFIG, Type.STRING, TIMESTAMP_ORIGINAL,
                        ConfigDef.ValidString.in(TIMESTAMP_ORIGINAL, TIMESTAMP_NOW), Importance.MEDIUM,
                        "original: records keep their archived timestamp (a topic with "
                                + "message.timestamp.type=LogAppendTime still stamps its own). now: the producer "
                                + "stamps the replay time.",
                        REPLAY_GROUP, ++order, Width.SHORT, "Timestamps")
                .define(START_OFFSET_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Replay only records whose archived offset is at least this, in every partition.",
                        REPLAY_GROUP, ++order, Width.SHORT, "Start offset")
                .define(START_TIME_CONFIG, Type.STRING, "", instant(), Importance.MEDIUM,
                        "Replay only records whose archived timestamp is at or after this instant: ISO-8601 "
                                + "(2026-11-28T06:00:00Z) or epoch milliseconds. Empty: no lower bound.",
                        REPLAY_GROUP, ++order, Width.MEDIUM, "Start time")
                .define(END_TIME_CONFIG, Type.STRING, "", instant(), Importance.MEDIUM,
                        "Replay only records whose archived timestamp is before this instant (exclusive), for a "
                                + "point-in-time replay. Same forms as " + START_TIME_CONFIG
                                + ". Empty: no upper bound.",
                        REPLAY_GROUP, ++order, Width.MEDIUM, "End time")
                .define(BATCH_SIZE_CONFIG, Type.INT, DEFAULT_BATCH_SIZE, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Most records one poll hands to the worker.",
                        REPLAY_GROUP, ++order, Width.SHORT, "Batch size")
                .define(ORIGIN_HEADERS_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                        "true: each replayed record also carries four headers naming where it comes from: its "
                                + "archived topic, partition and offset, and the archive segment it was read from "
                                + "(UTF-8 text as bytes values, after the archived headers), so consumers can "
                                + "translate offsets and audit the replay. false (default) keeps replay byte-exact.",
                        REPLAY_GROUP, ++order, Width.SHORT, "Origin headers")
                .define(ORIGIN_HEADER_PREFIX_CONFIG, Type.STRING, DEFAULT_ORIGIN_HEADER_PREFIX,
                        new ConfigDef.NonEmptyString(), Importance.LOW,
                        "With " + ORIGIN_HEADERS_CONFIG + "=true, the origin headers are named this prefix "
                                + "followed by topic, partition, offset and segment.",
                        REPLAY_GROUP, ++order, Width.SHORT, "Origin header prefix");
        SchemaRegistryConfig.define(def, SCHEMAS_GROUP, "Schema Registry to replay into, e.g. "
                + "http://schema-registry:8081. When set, before a record whose key or value carries a schema id "
                + "(magic byte 0, 4-byte id) is replayed, the schema the sink archived for that id is registered "
                + "there under the same subjects, referenced schemas first. Needs the sink's "
                + SchemaRegistryConfig.URL_CONFIG + ". Empty: schemas are not registered.")
                .define(SCHEMA_ID_REWRITE_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Whether replayed keys and values carry the schema id the target registry assigned instead "
                                + "of the archived one, where they differ, so consumers of the target cluster "
                                + "decode them with its registry. false keeps the bytes exactly as archived. Needs "
                                + SchemaRegistryConfig.URL_CONFIG + ".",
                        SCHEMAS_GROUP, 3, Width.SHORT, "Rewrite schema ids");
        return StackConfig.define(def);
    }

    /** The origin headers to add to each replayed record; empty keeps replay byte-exact. */
    Optional<OriginHeaders> originHeaders() {
        return getBoolean(ORIGIN_HEADERS_CONFIG)
                ? Optional.of(new OriginHeaders(getString(ORIGIN_HEADER_PREFIX_CONFIG)))
                : Optional.empty();
    }

    public TopicSelection topicSelection() {
        String regex = getString(ARCHIVE_TOPICS_REGEX_CONFIG);
        return regex != null ? TopicSelection.matching(Pattern.compile(regex))
                : TopicSelection.named(getList(ARCHIVE_TOPICS_CONFIG));
    }

    public String archivePrefix() {
        return getString(ARCHIVE_PREFIX_CONFIG);
    }

    /** The format name, or {@link #FORMAT_AUTO}. */
    public String format() {
        return getString(FORMAT_CONFIG);
    }

    public String targetTopic(String archivedTopic) {
        return getString(TOPIC_RENAME_FORMAT_CONFIG).replace(TOPIC_PLACEHOLDER, archivedTopic);
    }

    public boolean keepOriginalTimestamps() {
        return TIMESTAMP_ORIGINAL.equals(getString(TIMESTAMP_MODE_CONFIG));
    }

    public ReplayBounds bounds() {
        return new ReplayBounds(getLong(START_OFFSET_CONFIG),
                startTime().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE),
                endTime().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE));
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS_CONFIG);
    }

    /** A client of the registry replayed into, or empty when none is configured. */
    public Optional<SchemaRegistryClient> schemaRegistry() {
        return SchemaRegistryConfig.client(this);
    }

    public boolean rewritesSchemaIds() {
        return getBoolean(SCHEMA_ID_REWRITE_CONFIG);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE_CONFIG);
    }

    /** Admin client settings for the target cluster, without their prefix. */
    public Map<String, Object> targetClusterProperties() {
        return originalsWithPrefix(TARGET_CLUSTER_PREFIX);
    }

    private Optional<Instant> startTime() {
        return parseInstant(getString(START_TIME_CONFIG));
    }

    private Optional<Instant> endTime() {
        return parseInstant(getString(END_TIME_CONFIG));
    }

    /** An ISO-8601 instant or epoch milliseconds, as start.time and end.time take them; empty for blank text. */
    public static Optional<Instant> parseInstant(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        if (trimmed.chars().allMatch(Character::isDigit)) {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(trimmed)));
        }
        return Optional.of(Instant.parse(trimmed));
    }

    private static ConfigDef.Validator instant() {
        return (key, value) -> {
            try {
                parseInstant((String) value);
            } catch (DateTimeException | NumberFormatException e) {
                throw new ConfigException(key, value,
                        "use an ISO-8601 instant such as 2026-11-28T06:00:00Z, or epoch milliseconds");
            }
        };
    }

    private static ConfigDef.Validator regex() {
        return (key, value) -> {
            if (value == null) {
                return;
            }
            try {
                Pattern.compile((String) value);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(key, value, "not a valid Java regular expression: " + e.getDescription());
            }
        };
    }

    private static ConfigDef.Validator topicNames() {
        return (key, value) -> {
            for (Object topic : (List<?>) value) {
                if (!LEGAL_TOPIC.matcher(String.valueOf(topic)).matches()) {
                    throw new ConfigException(key, value, "'" + topic + "' is not a Kafka topic name (letters, "
                            + "digits, '.', '_', '-', at most 249 characters); list archived topics separated by "
                            + "commas, e.g. orders,payments, or use " + ARCHIVE_TOPICS_REGEX_CONFIG + " for a pattern");
                }
            }
        };
    }

    private static ConfigDef.Validator topicRenameFormat() {
        return (key, value) -> {
            String sample = ((String) value).replace(TOPIC_PLACEHOLDER, "topic");
            if (!LEGAL_TOPIC.matcher(sample).matches()) {
                throw new ConfigException(key, value, "must give legal topic names (letters, digits, '.', '_', '-', "
                        + "at most 249 characters) once " + TOPIC_PLACEHOLDER + " is replaced, e.g. "
                        + TOPIC_PLACEHOLDER + "-restored");
            }
        };
    }

    private static ConfigDef.Validator formatValidator() {
        List<String> allowed = new ArrayList<>(List.of(FORMAT_AUTO));
        allowed.addAll(RecordFormats.NAMES);
        return ConfigDef.ValidString.in(allowed.toArray(String[]::new));
    }

    private static ConfigDef.Validator nonEmptyList() {
        return (key, value) -> {
            if (value == null || ((List<?>) value).isEmpty()) {
                throw new ConfigException(key, value, "name at least one broker, e.g. localhost:9092");
            }
        };
    }
}
