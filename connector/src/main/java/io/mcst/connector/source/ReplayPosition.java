package io.mcst.connector.source;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Where a partition's replay stands: the last record handed to the worker, by its archived {@code offset}, and
 * where it was read: record {@code index} of the segment whose first archived offset is {@code segment}. All three
 * are fixed by the archive, not by when the replay ran, so a restart resumes exactly; that is what makes
 * exactly-once source delivery (KIP-618) possible.
 *
 * <p>The offset is what a replay positions itself by (see {@link PartitionReplay}). For formats that keep no
 * record offsets ({@code bytes}, {@code json}, {@code avro}) it stands in as {@code segment + index}: increasing
 * through the archive, and at most the record's real offset.
 *
 * @param offset the archived offset of the record, or {@link #UNKNOWN_OFFSET} for a position stored by an
 *     earlier version as {@code {segment, index}}: the replay then reads it from the archive when it resumes
 */
public record ReplayPosition(long segment, int index, long offset) {
    static final String TOPIC_KEY = "topic";
    static final String PARTITION_KEY = "partition";
    static final String SEGMENT_KEY = "segment";
    static final String INDEX_KEY = "index";
    static final String OFFSET_KEY = "offset";
    static final long UNKNOWN_OFFSET = -1;

    /** Archive order: by segment, then record within it; the offset breaks ties between old and new positions. */
    private static final Comparator<ReplayPosition> FURTHEST = Comparator.comparingLong(ReplayPosition::segment)
            .thenComparingInt(ReplayPosition::index).thenComparingLong(ReplayPosition::offset);

    public ReplayPosition {
        if (segment < 0 || index < 0 || offset < UNKNOWN_OFFSET) {
            throw new IllegalArgumentException("segment, index and offset must not be negative: " + segment + ", "
                    + index + ", " + offset);
        }
    }

    /**
     * The source partition of an archived partition, as Connect stores it. Connect finds a stored offset by the
     * partition's serialized bytes, so the key order must be the same in every JVM: {@code Map.of} iterates in
     * an order that changes from one JVM to the next, and a restarted worker then found no offset and replayed
     * the partition from its start (caught by ChaosIT).
     */
    public static Map<String, Object> sourcePartition(String archivedTopic, int partition) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put(TOPIC_KEY, archivedTopic);
        ordered.put(PARTITION_KEY, partition);
        return Collections.unmodifiableMap(ordered);
    }

    /**
     * The stored positions of {@code partitions}, by archived partition. Builds before the fixed key order stored a
     * source partition under whichever order {@code Map.of} had in that JVM, so a position may sit under the other
     * order, or under both when workers of different JVMs wrote it: the furthest one wins, since a replay only
     * moves forward. Later writes use {@link #sourcePartition}'s order, so the old entries stop mattering.
     */
    static Map<TopicPartition, ReplayPosition> stored(OffsetStorageReader reader, Collection<TopicPartition> partitions) {
        Map<TopicPartition, ReplayPosition> positions = new HashMap<>();
        for (boolean topicFirst : new boolean[] {true, false}) {
            Map<TopicPartition, Map<String, Object>> keys = new LinkedHashMap<>();
            for (TopicPartition partition : partitions) {
                keys.put(partition, topicFirst ? sourcePartition(partition.topic(), partition.partition())
                        : partitionFirst(partition.topic(), partition.partition()));
            }
            Map<Map<String, Object>, Map<String, Object>> offsets = reader.offsets(keys.values());
            keys.forEach((partition, key) -> Optional.ofNullable(offsets.get(key))
                    .map(offset -> fromSourceOffset(key, offset))
                    .ifPresent(position -> positions.merge(partition, position, ReplayPosition::furthest)));
        }
        return positions;
    }

    /** The order half of the earlier builds' JVMs stored a source partition in. */
    static Map<String, Object> partitionFirst(String archivedTopic, int partition) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put(PARTITION_KEY, partition);
        ordered.put(TOPIC_KEY, archivedTopic);
        return Collections.unmodifiableMap(ordered);
    }

    private static ReplayPosition furthest(ReplayPosition a, ReplayPosition b) {
        return FURTHEST.compare(a, b) >= 0 ? a : b;
    }

    boolean offsetKnown() {
        return offset != UNKNOWN_OFFSET;
    }

    public Map<String, Object> toSourceOffset() {
        return Map.of(SEGMENT_KEY, segment, INDEX_KEY, index, OFFSET_KEY, offset);
    }

    /**
     * Reads a stored source offset back (Connect's JSON storage may return any integral {@link Number}). An offset
     * without {@code offset}, as versions before it stored them, reads with {@link #UNKNOWN_OFFSET}.
     *
     * @throws ConnectException naming the partition if the offset is not one this connector wrote
     */
    public static ReplayPosition fromSourceOffset(Map<String, ?> partition, Map<String, ?> offset) {
        Object segment = offset.get(SEGMENT_KEY);
        Object index = offset.get(INDEX_KEY);
        Object archived = offset.containsKey(OFFSET_KEY) ? offset.get(OFFSET_KEY) : (Object) UNKNOWN_OFFSET;
        if (!(segment instanceof Number s) || !(index instanceof Number i) || !(archived instanceof Number o)
                || s.longValue() < 0 || i.longValue() < 0 || i.longValue() > Integer.MAX_VALUE || o.longValue() < 0
                        && o.longValue() != UNKNOWN_OFFSET) {
            throw new ConnectException("stored source offset " + offset + " of " + partition + " is not {"
                    + SEGMENT_KEY + ": first offset of a segment, " + INDEX_KEY + ": record index in it, " + OFFSET_KEY
                    + ": archived offset of the record}");
        }
        return new ReplayPosition(s.longValue(), i.intValue(), o.longValue());
    }
}
