package io.mcst.connector.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireFormatTest {
    @Test
    void readsAndRewritesTheBigEndianIdOnly() {
        byte[] bytes = {0, 0, 0, 1, 2, 42, 43};

        assertThat(WireFormat.schemaId(bytes)).hasValue(258);
        assertThat(WireFormat.withSchemaId(bytes, 0x01020304)).containsExactly(0, 1, 2, 3, 4, 42, 43);
        assertThat(bytes).as("the input is not changed").containsExactly(0, 0, 0, 1, 2, 42, 43);
    }

    @Test
    void otherBytesCarryNoId() {
        assertThat(WireFormat.schemaId(null)).isEmpty();
        assertThat(WireFormat.schemaId(new byte[] {0, 0, 0, 1})).isEmpty();
        assertThat(WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1})).isEmpty();
        assertThatThrownBy(() -> WireFormat.withSchemaId(new byte[] {7}, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
