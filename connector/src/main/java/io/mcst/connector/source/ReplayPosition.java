package io.mcst.connector.source;

import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Where a partition's replay stands: the record at {@code index} of the segment whose first archived offset is
 * {@code segment} was the last one handed to the worker. Both numbers are fixed by the archive, not by when the
 * replay ran, so a restart resumes exactly; that is what makes exactly-once source delivery (KIP-618) possible.
 */
public record ReplayPosition(long segment, int index) {
    static final String TOPIC_KEY = "topic";
    static final String PARTITION_KEY = "partition";
    static final String SEGMENT_KEY = "segment";
    static final String INDEX_KEY = "index";

    public ReplayPosition {
        if (segment < 0 || index < 0) {
            throw new IllegalArgumentException("segment and index must not be negative: " + segment + ", " + index);
        }
    }

    /** The source partition of an archived partition, as Connect stores it. */
    public static Map<String, Object> sourcePartition(String archivedTopic, int partition) {
        return Map.of(TOPIC_KEY, archivedTopic, PARTITION_KEY, partition);
    }

    public Map<String, Object> toSourceOffset() {
        return Map.of(SEGMENT_KEY, segment, INDEX_KEY, index);
    }

    /**
     * Reads a stored source offset back (Connect's JSON storage may return any integral {@link Number}).
     *
     * @throws ConnectException naming the partition if the offset is not one this connector wrote
     */
    public static ReplayPosition fromSourceOffset(Map<String, ?> partition, Map<String, ?> offset) {
        Object segment = offset.get(SEGMENT_KEY);
        Object index = offset.get(INDEX_KEY);
        if (!(segment instanceof Number s) || !(index instanceof Number i) || s.longValue() < 0 || i.longValue() < 0
                || i.longValue() > Integer.MAX_VALUE) {
            throw new ConnectException("stored source offset " + offset + " of " + partition + " is not {"
                    + SEGMENT_KEY + ": first offset of a segment, " + INDEX_KEY + ": record index in it}");
        }
        return new ReplayPosition(s.longValue(), i.intValue());
    }
}
