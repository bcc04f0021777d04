package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.KeyValueStore;
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

/**
 * Where the archive keeps each blob, shared by the sink (which writes) and the source (which replays):
 *
 * <ul>
 *   <li>segment: {@code <prefix>/<topic>/<partition>/<first offset, 20 digits>.<format extension>}. The key
 *       depends only on the first record, so rewriting a segment after a crash overwrites it.
 *   <li>index register: {@code <prefix>/<topic>/<partition>/index} (see {@link PartitionIndex}).
 *   <li>segment summary: {@code <prefix>/<topic>/<partition>/summary/<first offset, 20 digits>_...}, an empty
 *       blob whose name is the time index entry of one segment (see {@link SegmentSummary}).
 *   <li>schema: {@code <prefix>/_schemas/<schema id>.json}, one per Schema Registry id the sink saw. No
 *       segment key has this shape (a partition is a directory of digits), even of a topic named
 *       {@code _schemas}.
 * </ul>
 *
 * Kafka topic names use only {@code [a-zA-Z0-9._-]}, never {@code /}, so keys parse back unambiguously;
 * 20 zero-padded digits hold any non-negative long and sort lexically in offset order.
 */
public final class ArchiveLayout {
    public static final String INDEX_NAME = "index";
    private static final String SUMMARY_DIRECTORY = "summary/";

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern SEGMENT_TAIL = Pattern.compile("([a-zA-Z0-9._-]+)/(\\d{1,10})/(\\d{20})\\.([a-z0-9.]+)");
    private static final Comparator<TopicPartition> PARTITION_ORDER =
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
        return prefix + "/_schemas/" + id + ".json";
    }

    /** The list prefix of every blob of {@code partition}, ending in {@code /}. */
    public String partitionPrefix(TopicPartition partition) {
        return topicPrefix(partition.topic()) + partition.partition() + "/";
    }

    /** The list prefix of every blob of {@code topic}, ending in {@code /}. */
    public String topicPrefix(String topic) {
        if (!TOPIC.matcher(requireNonNull(topic, "topic")).matches()) {
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

    @Override
    public String toString() {
        return "ArchiveLayout[" + prefix + "]";
    }
}
