package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class ConnectJsonTest {
    @Test
    void structsMapsListsBytesAndNumbersBecomePlainJson() {
        Schema inner = SchemaBuilder.struct().field("n", Schema.INT32_SCHEMA).build();
        Schema outer = SchemaBuilder.struct()
                .field("name", Schema.STRING_SCHEMA)
                .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT64_SCHEMA).build())
                .field("inner", inner)
                .field("missing", Schema.OPTIONAL_STRING_SCHEMA)
                .field("price", org.apache.kafka.connect.data.Decimal.schema(2))
                .build();
        Struct value = new Struct(outer).put("name", "a\"b").put("raw", new byte[] {1, 2}).put("tags", List.of("x", "y"))
                .put("attrs", Map.of("w", 1.5)).put("inner", new Struct(inner).put("n", 7)).put("price", new BigDecimal("12.34"));

        assertThat(ConnectJson.of(value).toString()).isEqualTo("{\"name\":\"a\\\"b\",\"raw\":\"AQI=\",\"tags\":[\"x\",\"y\"],"
                + "\"attrs\":{\"w\":1.5},\"inner\":{\"n\":7},\"missing\":null,\"price\":12.34}");
    }
}
