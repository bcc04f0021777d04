package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreKeys;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;

/**
 * Where the archive keeps each blob, shared by the sink (which writes) and the source (which replays):
 *
 * <ul>
 *   <li>segment: {@code <prefix>/<topic>/<partition>/<first offset, 20 digits>.<format extension>}. The key
 *       depends only on the first record, so rewriting a segment after a crash overwrites it.
 *   <li>index register: {@code <prefix>/<topic>/<partition>/index} (see {@link PartitionIndex}).
 *   <li>segment summary: {@code <prefix>/<topic>/<partition>/summary/<first offset, 20 digits>_...}, an empty
 *       blob whose name is the time index entry of one segment (see {@link SegmentSummary}).
 *   <li>consumer group snapshot: {@code <prefix>/@groups/<group id, URL-encoded UTF-8>/<time ms, 20 digits>.json}
 *       (see {@link GroupSnapshot}); listing a group's directory gives its history in time order.
 *   <li>replay offset map: {@code <prefix>/@replays/<source connector name, URL-encoded UTF-8>/<archived
 *       topic>/<archived partition>.json} (see {@link ReplayOffsetMap}).
 *   <li>schema: {@code <prefix>/@schemas/<schema id>.json}, one per Schema Registry id the sink saw (see
 *       {@link io.mcst.connector.schema.ArchivedSchema}).
 *   <li>unknown schema id: {@code <prefix>/@schemas/<id>.unknown}, an empty blob: records seemed to carry this id
 *       but the sink's registry did not know it, so their bytes merely start like the registry's wire format.
 * </ul>
 *
 * Kafka topic names use only {@code [a-zA-Z0-9._-]}, never {@code /}, so keys parse back unambiguously;
 * 20 zero-padded digits hold any non-negative long and sort lexically in offset order. The directories that are
 * not topics start with {@code @}, which no topic name has, so a topic may have any name (even {@code _groups},
 * or {@code _schemas}, Schema Registry's own storage topic), its directory holds nothing but its partitions, and
 * tools that enumerate topics never mistake a reserved directory for one. Group ids and connector names may hold
 * any character, {@code /} included; URL encoding leaves none of {@code /} in a key segment.
 */
public final class ArchiveLayout {
    public static final String INDEX_NAME = "index";
    private static final String SUMMARY_DIRECTORY = "summary/";

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern SEGMENT_TAIL = Pattern.compile("([a-zA-Z0-9._-]+)/(\\d{1,10})/(\\d{20})\\.([a-z0-9.]+)");
    /** The directory of consumer group snapshots, under the prefix: not a topic name ({@code @}). */
    public static final String GROUPS_DIRECTORY = "@groups";
    /** The directory of replay offset maps, under the prefix: not a topic name ({@code @}). */
    public static final String REPLAYS_DIRECTORY = "@replays";
    /** The directory of archived schemas, under the prefix: not a topic name ({@code @}). */
    public static final String SCHEMAS_DIRECTORY = "@schemas";
    /** A schema's name in its directory: the id and .json; a topic's partition directories have no dot. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("(-?\\d{1,10})\\.json");
    private static final String JSON_EXTENSION = ".json";
    private static final Pattern SNAPSHOT_TAIL = Pattern.compile("([^/]+)/(\\d{20})\\.json");
    private static final Pattern REPLAY_MAP_TAIL = Pattern.compile("([^/]+)/([a-zA-Z0-9._-]{1,249})/(\\d{1,10})\\.json");
    static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final String prefix;

    /**
     * @param prefix the archive's root key, e.g. {@code kafka-archive} or {@code team/archive}: non-empty,
     *     without a leading or trailing {@code /} or an empty segment
     */
    public ArchiveLayout(String prefix) {
        requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException(
                    "archive prefix '" + prefix + "' must be non-empty, without leading, trailing or double '/'");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The key of the segment of {@code partition} whose first record has {@code firstOffset}. */
    public String segmentKey(TopicPartition partition, long firstOffset, String extension) {
        if (firstOffset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + firstOffset);
        }
        return partitionPrefix(partition) + "%020d.%s".formatted(firstOffset, requireNonNull(extension, "extension"));
    }

    /** The key of the index register of {@code partition}. */
    public String indexKey(TopicPartition partition) {
        return partitionPrefix(partition) + INDEX_NAME;
    }

    /** The key of the archived schema with Schema Registry id {@code id}. */
    public String schemaKey(int id) {
        return reservedPrefix(SCHEMAS_DIRECTORY) + id + JSON_EXTENSION;
    }

    /** The key that says the sink's registry did not know schema id {@code id} (see the class comment). */
    public String unknownSchemaKey(int id) {
        return reservedPrefix(SCHEMAS_DIRECTORY) + id + ".unknown";
    }

    /** The key of each schema archived in {@code store}, by schema id. */
    public Map<Integer, String> schemaKeys(KeyValueStore store) {
        Map<Integer, String> keys = new HashMap<>();
        String directory = reservedPrefix(SCHEMAS_DIRECTORY);
        for (String key : store.list(directory)) {
            Matcher m = SCHEMA_NAME.matcher(key.substring(directory.length()));
            if (m.matches() && Long.parseLong(m.group(1)) == (int) Long.parseLong(m.group(1))) {
                keys.put(Integer.parseInt(m.group(1)), key);
            }
        }
        return keys;
    }

    /** The list prefix of one of the archive's reserved directories (schemas, groups, replays), ending in {@code /}. */
    private String reservedPrefix(String directory) {
        return prefix + "/" + directory + "/";
    }

    /** The list prefix of every blob of {@code partition}, ending in {@code /}. */
    public String partitionPrefix(TopicPartition partition) {
        return topicPrefix(partition.topic()) + partition.partition() + "/";
    }

    /** The list prefix of every blob of {@code topic}, ending in {@code /}. */
    public String topicPrefix(String topic) {
        if (!isTopicName(requireNonNull(topic, "topic"))) {
            throw new IllegalArgumentException("'" + topic + "' is not a Kafka topic name");
        }
        return prefix + "/" + topic + "/";
    }

    /** The segment {@code key} names, or empty if it is not a segment key of this archive (e.g. an index). */
    public Optional<SegmentKey> parseSegmentKey(String key) {
        requireNonNull(key, "key");
        if (!key.startsWith(prefix + "/")) {
            return Optional.empty();
        }
        Matcher m = SEGMENT_TAIL.matcher(key.substring(prefix.length() + 1));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(m.group(2));
            long firstOffset = Long.parseLong(m.group(3));
            return Optional.of(new SegmentKey(key, new TopicPartition(m.group(1), partition), firstOffset, m.group(4)));
        } catch (NumberFormatException e) {
            return Optional.empty(); // digits beyond int or long range: not a key we write
        }
    }

    /** The key of the summary of a segment of {@code summary}'s partition. */
    public String summaryKey(SegmentSummary summary) {
        return partitionPrefix(summary.partition()) + SUMMARY_DIRECTORY + summary.name();
    }

    /** The prefix of the summaries of {@code partition}'s segment that starts at {@code firstOffset}. */
    public String summaryPrefix(TopicPartition partition, long firstOffset) {
        return partitionPrefix(partition) + SUMMARY_DIRECTORY + "%020d_".formatted(firstOffset);
    }

    /** The summary {@code key} names, or empty if it is not a summary key of {@code partition}. */
    public Optional<SegmentSummary> parseSummaryKey(TopicPartition partition, String key) {
        String directory = partitionPrefix(partition) + SUMMARY_DIRECTORY;
        return key.startsWith(directory) ? SegmentSummary.parse(partition, key.substring(directory.length())) : Optional.empty();
    }

    /** The segments of {@code partition} in {@code store}, in offset order. */
    public List<SegmentKey> segments(KeyValueStore store, TopicPartition partition) {
        return listPartition(store, partition).segments();
    }

    /**
     * One listing of a partition: its segments in offset order, and the summaries keyed by first offset. A
     * segment rewritten with other records after a crash may have two summaries; then their union stands, so
     * a time window never skips a record (verify names the stale one, repair removes it).
     */
    public record PartitionListing(List<SegmentKey> segments, Map<Long, SegmentSummary> summaries) {
        public PartitionListing {
            segments = List.copyOf(segments);
            summaries = Map.copyOf(summaries);
        }

        public Optional<SegmentSummary> summary(SegmentKey segment) {
            return Optional.ofNullable(summaries.get(segment.firstOffset()));
        }
    }

    /** Lists {@code partition} once: segments and their summaries. */
    public PartitionListing listPartition(KeyValueStore store, TopicPartition partition) {
        return listPartition(store.list(partitionPrefix(partition)), partition);
    }

    /** The segments and summaries of {@code partition} among {@code keys} (keys of other partitions are ignored). */
    public PartitionListing listPartition(List<String> keys, TopicPartition partition) {
        List<SegmentKey> segments = keys.stream()
                .map(this::parseSegmentKey)
                .flatMap(Optional::stream)
                .filter(segment -> segment.partition().equals(partition))
                .sorted(Comparator.comparingLong(SegmentKey::firstOffset).thenComparing(SegmentKey::extension))
                .toList();
        Map<Long, SegmentSummary> summaries = new HashMap<>();
        for (String key : keys) {
            parseSummaryKey(partition, key).ifPresent(summary -> summaries.merge(summary.firstOffset(), summary, ArchiveLayout::union));
        }
        return new PartitionListing(segments, summaries);
    }

    private static SegmentSummary union(SegmentSummary a, SegmentSummary b) {
        boolean timed = a.minTime().isPresent() && b.minTime().isPresent();
        return new SegmentSummary(a.partition(), a.firstOffset(), Math.max(a.lastOffset(), b.lastOffset()),
                Math.max(a.records(), b.records()), Math.max(a.bytes(), b.bytes()),
                timed ? OptionalLong.of(Math.min(a.minTime().getAsLong(), b.minTime().getAsLong())) : OptionalLong.empty(),
                timed ? OptionalLong.of(Math.max(a.maxTime().getAsLong(), b.maxTime().getAsLong())) : OptionalLong.empty());
    }

    /** Every partition with at least one segment in {@code store}, by topic then partition. Lists the whole archive. */
    public SortedSet<TopicPartition> partitions(KeyValueStore store) {
        TreeSet<TopicPartition> partitions = new TreeSet<>(PARTITION_ORDER);
        for (String key : store.list(prefix + "/")) {
            parseSegmentKey(key).ifPresent(segment -> partitions.add(segment.partition()));
        }
        return partitions;
    }

    /** Every partition of {@code topic} with at least one segment in {@code store}, in partition order. */
    public SortedSet<TopicPartition> partitions(KeyValueStore store, String topic) {
        TreeSet<TopicPartition> partitions = new TreeSet<>(PARTITION_ORDER);
        for (String key : store.list(topicPrefix(topic))) {
            parseSegmentKey(key).filter(segment -> segment.partition().topic().equals(topic))
                    .ifPresent(segment -> partitions.add(segment.partition()));
        }
        return partitions;
    }

    /** Whether {@code name} is a legal Kafka topic name. */
    static boolean isTopicName(String name) {
        return TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** A consumer group snapshot's key, as its name tells. */
    public record GroupSnapshotKey(String key, String group, long timeMs) {}

    /** The key of {@code group}'s snapshot taken at {@code timeMs}. */
    public String groupSnapshotKey(String group, long timeMs) {
        if (timeMs < 0) {
            throw new IllegalArgumentException("snapshot time must not be negative: " + timeMs);
        }
        return StoreKeys.check(groupsPrefix() + groupSnapshotName(group, timeMs));
    }

    /** The list prefix of every group's snapshots, ending in {@code /}. */
    public String groupsPrefix() {
        return reservedPrefix(GROUPS_DIRECTORY);
    }

    /** The list prefix of {@code group}'s snapshots, ending in {@code /}. */
    public String groupPrefix(String group) {
        return groupsPrefix() + encode(group, "consumer group id") + "/";
    }

    /** The key name of a snapshot under {@link #groupsPrefix}. */
    static String groupSnapshotName(String group, long timeMs) {
        return encode(group, "consumer group id") + "/" + "%020d".formatted(timeMs) + JSON_EXTENSION;
    }

    /** The snapshot {@code key} names, or empty if it is not a group snapshot key of this archive. */
    public Optional<GroupSnapshotKey> parseGroupSnapshotKey(String key) {
        requireNonNull(key, "key");
        if (!key.startsWith(groupsPrefix())) {
            return Optional.empty();
        }
        Matcher m = SNAPSHOT_TAIL.matcher(key.substring(groupsPrefix().length()));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return decode(m.group(1)).map(group -> new GroupSnapshotKey(key, group, Long.parseLong(m.group(2))));
        } catch (NumberFormatException e) {
            return Optional.empty(); // beyond the long range: not a key we write
        }
    }

    /** Every consumer group with at least one snapshot in {@code store}, in id order. */
    public SortedSet<String> groups(KeyValueStore store) {
        TreeSet<String> groups = new TreeSet<>();
        for (String key : store.list(groupsPrefix())) {
            parseGroupSnapshotKey(key).ifPresent(snapshot -> groups.add(snapshot.group()));
        }
        return groups;
    }

    /** {@code group}'s snapshots in {@code store}, oldest first. */
    public List<GroupSnapshotKey> groupSnapshots(KeyValueStore store, String group) {
        return store.list(groupPrefix(group)).stream()
                .map(this::parseGroupSnapshotKey)
                .flatMap(Optional::stream)
                .filter(snapshot -> snapshot.group().equals(group))
                .sorted(Comparator.comparingLong(GroupSnapshotKey::timeMs))
                .toList();
    }

    /**
     * {@code group}'s latest snapshot taken at or before {@code timeMs} ({@link Long#MAX_VALUE} for the latest of
     * all), read from {@code store}; empty if it has none that early.
     *
     * @throws DataException naming the key when the snapshot blob is malformed
     */
    public Optional<GroupSnapshot> groupSnapshotAsOf(KeyValueStore store, String group, long timeMs) {
        List<GroupSnapshotKey> history = groupSnapshots(store, group);
        for (int i = history.size() - 1; i >= 0; i--) {
            GroupSnapshotKey snapshot = history.get(i);
            if (snapshot.timeMs() <= timeMs) {
                Optional<byte[]> bytes = store.get(snapshot.key());
                if (bytes.isPresent()) {
                    return Optional.of(GroupSnapshot.parse(snapshot.key(), bytes.get()));
                }
            }
        }
        return Optional.empty();
    }

    /** A replay offset map's key, as its name tells. */
    public record ReplayMapKey(String key, String replay, TopicPartition archived) {}

    /** The key of the offset map of source connector {@code replay}'s replay of {@code archived}. */
    public String replayMapKey(String replay, TopicPartition archived) {
        return StoreKeys.check(replaysPrefix() + replayMapName(replay, archived));
    }

    /** The list prefix of every replay's offset maps, ending in {@code /}. */
    public String replaysPrefix() {
        return reservedPrefix(REPLAYS_DIRECTORY);
    }

    /** The list prefix of source connector {@code replay}'s offset maps, ending in {@code /}. */
    public String replayPrefix(String replay) {
        return replaysPrefix() + encode(replay, "connector name") + "/";
    }

    /** The key name of an offset map under {@link #replaysPrefix}. */
    static String replayMapName(String replay, TopicPartition archived) {
        if (!isTopicName(archived.topic()) || archived.partition() < 0) {
            throw new IllegalArgumentException("not a topic partition: " + archived);
        }
        return encode(replay, "connector name") + "/" + archived.topic() + "/" + archived.partition() + JSON_EXTENSION;
    }

    /** The offset map {@code key} names, or empty if it is not a replay offset map key of this archive. */
    public Optional<ReplayMapKey> parseReplayMapKey(String key) {
        requireNonNull(key, "key");
        if (!key.startsWith(replaysPrefix())) {
            return Optional.empty();
        }
        Matcher m = REPLAY_MAP_TAIL.matcher(key.substring(replaysPrefix().length()));
        if (!m.matches() || !isTopicName(m.group(2))) {
            return Optional.empty();
        }
        try {
            TopicPartition archived = new TopicPartition(m.group(2), Integer.parseInt(m.group(3)));
            return decode(m.group(1)).map(replay -> new ReplayMapKey(key, replay, archived));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Every source connector that stored an offset map in {@code store}, by name. */
    public SortedSet<String> replays(KeyValueStore store) {
        TreeSet<String> replays = new TreeSet<>();
        for (String key : store.list(replaysPrefix())) {
            parseReplayMapKey(key).ifPresent(map -> replays.add(map.replay()));
        }
        return replays;
    }

    /** The archived partitions source connector {@code replay} stored an offset map of, by topic then partition. */
    public SortedSet<TopicPartition> replayedPartitions(KeyValueStore store, String replay) {
        TreeSet<TopicPartition> partitions = new TreeSet<>(PARTITION_ORDER);
        for (String key : store.list(replayPrefix(replay))) {
            parseReplayMapKey(key).filter(map -> map.replay().equals(replay)).ifPresent(map -> partitions.add(map.archived()));
        }
        return partitions;
    }

    /**
     * The offset map of {@code replay}'s replay of {@code archived}, read from {@code store}; empty if none is stored.
     *
     * @throws DataException naming the key when the blob is malformed
     */
    public Optional<ReplayOffsetMap> replayMap(KeyValueStore store, String replay, TopicPartition archived) {
        String key = replayMapKey(replay, archived);
        return store.get(key).map(bytes -> ReplayOffsetMap.parse(key, bytes));
    }

    /** {@code name} as one key segment: URL-encoded UTF-8, so it holds no {@code /}. */
    private static String encode(String name, String what) {
        if (requireNonNull(name, what).isEmpty()) {
            throw new IllegalArgumentException("a " + what + " must not be empty");
        }
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** The name a key segment {@link #encode encodes}, or empty if no name encodes to it. */
    private static Optional<String> decode(String segment) {
        try {
            String name = URLDecoder.decode(segment, StandardCharsets.UTF_8);
            return !name.isEmpty() && URLEncoder.encode(name, StandardCharsets.UTF_8).equals(segment)
                    ? Optional.of(name) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "ArchiveLayout[" + prefix + "]";
    }
}
