package io.mcst.connector.format;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.Header;

/**
 * One record read back from a segment, with what its format keeps. Fields a format does not keep are
 * {@code null} ({@code offset}, {@code timestamp}), {@link TimestampType#NO_TIMESTAMP_TYPE} or
 * {@link SchemaAndValue#NULL} ({@code key}); see each format's documentation for what it keeps.
 *
 * @param partition the archived partition (from the record where the format keeps it, else from the blob key)
 * @param offset the record's offset in the archived partition, or null if the format does not keep it
 * @param timestamp the record's timestamp, or null if it had none or the format does not keep it
 * @param headers in their original order, duplicates kept; empty if the format keeps none
 */
public record ArchivedRecord(TopicPartition partition, Long offset, Long timestamp, TimestampType timestampType,
        SchemaAndValue key, SchemaAndValue value, List<Header> headers) {
    public ArchivedRecord {
        requireNonNull(partition, "partition");
        requireNonNull(timestampType, "timestampType");
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        headers = List.copyOf(headers);
    }

    /** A record of a format that keeps only values: no offset, timestamp, key or headers. */
    static ArchivedRecord valueOnly(TopicPartition partition, SchemaAndValue value) {
        return new ArchivedRecord(partition, null, null, TimestampType.NO_TIMESTAMP_TYPE, SchemaAndValue.NULL, value,
                List.of());
    }
}
