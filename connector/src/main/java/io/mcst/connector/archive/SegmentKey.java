package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.TopicPartition;

/**
 * One segment blob of the archive, as its key tells: the topic partition it holds records of, the offset of
 * its first record, and the extension of the format that wrote it.
 *
 * @param key the blob key, {@code <prefix>/<topic>/<partition>/<first offset, 20 digits>.<extension>}
 */
public record SegmentKey(String key, TopicPartition partition, long firstOffset, String extension) {
    public SegmentKey {
        requireNonNull(key, "key");
        requireNonNull(partition, "partition");
        requireNonNull(extension, "extension");
        if (firstOffset < 0) {
            throw new IllegalArgumentException("a segment's first offset is never negative: " + key);
        }
    }
}
