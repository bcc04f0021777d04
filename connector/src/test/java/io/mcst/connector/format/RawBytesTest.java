package io.mcst.connector.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class RawBytesTest {
    private static final DataException NOT_BYTES = new DataException("not bytes: fix the converter");

    @Test
    void nullStaysNullAndAnArrayIsUsedAsIs() {
        byte[] array = {1, 2, 3};

        assertThat(RawBytes.of(null, () -> NOT_BYTES)).isNull();
        assertThat(RawBytes.of(array, () -> NOT_BYTES)).isSameAs(array);
        assertThat(RawBytes.of(new byte[0], () -> NOT_BYTES)).isEmpty();
    }

    @Test
    void aBufferGivesACopyOfItsRemainingBytesAndKeepsItsPosition() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 8, 7, 6});
        buffer.position(1);

        byte[] bytes = RawBytes.of(buffer, () -> NOT_BYTES);

        assertThat(bytes).containsExactly(8, 7, 6);
        assertThat(buffer.position()).isEqualTo(1);
        bytes[0] = 0;
        assertThat(buffer.get(1)).isEqualTo((byte) 8);
    }

    @Test
    void anythingElseFailsWithTheCallersException() {
        assertThatThrownBy(() -> RawBytes.of("text", () -> NOT_BYTES)).isSameAs(NOT_BYTES);
    }
}
