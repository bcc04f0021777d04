package io.mcst.connector;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class SinkRecordPositionTest {
    @Test
    void namesWhereKafkaHoldsTheRecordEvenAfterATransformRenamedIt() {
        SinkRecord original = new SinkRecord("orders", 3, Schema.BYTES_SCHEMA, null, Schema.BYTES_SCHEMA, null, 42L);
        SinkRecord renamed = original.newRecord("orders-renamed", 0, Schema.BYTES_SCHEMA, null, Schema.BYTES_SCHEMA,
                null, null);

        assertThat(SinkRecordPosition.of(original)).isEqualTo("orders-3@42");
        assertThat(SinkRecordPosition.of(renamed)).isEqualTo("orders-3@42");
    }
}
