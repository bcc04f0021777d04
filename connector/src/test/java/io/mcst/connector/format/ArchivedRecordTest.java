package io.mcst.connector.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.junit.jupiter.api.Test;

class ArchivedRecordTest {
    @Test
    void aValueOnlyRecordKeepsItsPartitionAndValueAndNothingElse() {
        TopicPartition partition = new TopicPartition("t", 2);
        SchemaAndValue value = new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {1, 2});

        ArchivedRecord record = ArchivedRecord.valueOnly(partition, value);

        assertThat(record.partition()).isEqualTo(partition);
        assertThat(record.value()).isSameAs(value);
        assertThat(record.offset()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(record.timestampType()).isEqualTo(TimestampType.NO_TIMESTAMP_TYPE);
        assertThat(record.key()).isEqualTo(SchemaAndValue.NULL);
        assertThat(record.headers()).isEmpty();
    }
}
