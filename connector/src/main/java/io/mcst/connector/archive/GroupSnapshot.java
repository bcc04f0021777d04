package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;

/**
 * The committed offsets of one consumer group on the archived topics, as read from the archived cluster at
 * {@code timeMs}: a committed offset is the offset of the next record the group would read. The sink writes one
 * blob per snapshot at {@link ArchiveLayout#groupSnapshotKey}; a restore translates the offsets into a replayed
 * topic's offset space (see {@link ReplayOffsetMap}). Stored as JSON:
 *
 * <pre>{@code
 * {"version": 1, "group": "billing", "timeMs": 1764751200000,
 *  "offsets": [{"topic": "orders", "partition": 0, "offset": 1042}, ...]}
 * }</pre>
 *
 * @param timeMs when the offsets were read (epoch milliseconds): each was committed by then
 * @param committedOffsets by partition; iterated by topic then partition
 */
public record GroupSnapshot(String group, long timeMs, Map<TopicPartition, Long> committedOffsets) {
    private static final int VERSION = 1;
    private static final String WHAT = "consumer group snapshot";

    public GroupSnapshot {
        requireNonNull(group, "group");
        if (group.isEmpty()) {
            throw new IllegalArgumentException("a consumer group id must not be empty");
        }
        if (timeMs < 0) {
            throw new IllegalArgumentException("snapshot time must not be negative: " + timeMs);
        }
        TreeMap<TopicPartition, Long> sorted = new TreeMap<>(ArchiveLayout.PARTITION_ORDER);
        committedOffsets.forEach((partition, offset) -> {
            if (!ArchiveLayout.isTopicName(partition.topic()) || partition.partition() < 0) {
                throw new IllegalArgumentException("not a topic partition: " + partition);
            }
            if (requireNonNull(offset, "offset") < 0) {
                throw new IllegalArgumentException("committed offset of " + partition + " is negative: " + offset);
            }
            sorted.put(partition, offset);
        });
        committedOffsets = Collections.unmodifiableSortedMap(sorted);
    }

    public byte[] toBytes() {
        ObjectNode root = ArchiveJson.object();
        root.put("version", VERSION);
        root.put("group", group);
        root.put("timeMs", timeMs);
        ArrayNode offsets = root.putArray("offsets");
        committedOffsets.forEach((partition, offset) -> offsets.addObject()
                .put("topic", partition.topic()).put("partition", partition.partition()).put("offset", offset));
        return ArchiveJson.toBytes(root);
    }

    /**
     * Reads the snapshot stored at {@code key}.
     *
     * @throws DataException naming the key when the blob is not a snapshot this version wrote, or says another
     *     group or time than its key
     */
    public static GroupSnapshot parse(String key, byte[] bytes) {
        requireNonNull(key, "key");
        JsonNode root = ArchiveJson.readObject(WHAT, key, bytes, Set.of("version", "group", "timeMs", "offsets"));
        ArchiveJson.checkVersion(WHAT, key, root, VERSION);
        String group = ArchiveJson.text(WHAT, key, root, "group");
        long timeMs = ArchiveJson.count(WHAT, key, root.get("timeMs"), "timeMs");
        JsonNode offsets = root.get("offsets");
        if (!offsets.isArray()) {
            throw ArchiveJson.malformed(WHAT, key, "'offsets' is not an array");
        }
        Map<TopicPartition, Long> committed = new TreeMap<>(ArchiveLayout.PARTITION_ORDER);
        for (JsonNode entry : offsets) {
            ArchiveJson.checkFields(WHAT, key, entry, Set.of("topic", "partition", "offset"), "an offset entry");
            String topic = ArchiveJson.text(WHAT, key, entry, "topic");
            if (!ArchiveLayout.isTopicName(topic)) {
                throw ArchiveJson.malformed(WHAT, key, "'" + topic + "' is not a Kafka topic name");
            }
            TopicPartition partition = new TopicPartition(topic, ArchiveJson.smallCount(WHAT, key, entry.get("partition"), "partition"));
            if (committed.put(partition, ArchiveJson.count(WHAT, key, entry.get("offset"), "offset")) != null) {
                throw ArchiveJson.malformed(WHAT, key, partition + " appears twice");
            }
        }
        GroupSnapshot snapshot;
        try {
            snapshot = new GroupSnapshot(group, timeMs, committed);
        } catch (IllegalArgumentException e) {
            throw ArchiveJson.malformed(WHAT, key, e.getMessage());
        }
        if (!key.endsWith("/" + ArchiveLayout.groupSnapshotName(group, timeMs))) {
            throw ArchiveJson.malformed(WHAT, key, "it holds group '" + group + "' at " + timeMs
                    + ", which is not what its key says (a blob copied under another key?)");
        }
        return snapshot;
    }
}
