package io.mcst.connector;

import org.apache.kafka.connect.sink.SinkRecord;

/** How errors and logs name a sink record: where Kafka holds it, whatever transforms renamed. */
public final class SinkRecordPosition {
    private SinkRecordPosition() {}

    /** {@code topic-partition@offset} of the record's original topic, partition and offset. */
    public static String of(SinkRecord record) {
        return record.originalTopic() + "-" + record.originalKafkaPartition() + "@" + record.originalKafkaOffset();
    }
}
