package io.mcst.connector.format;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.DataException;

/** Connect data that must be bytes, as the byte formats take it: ByteArrayConverter's {@code byte[]} or a buffer. */
final class RawBytes {
    private RawBytes() {}

    /**
     * {@code data} as bytes: null stays null (distinct from empty), a {@code byte[]} is used as is, a buffer's
     * remaining bytes are copied (its position is left alone).
     *
     * @throws DataException from {@code notBytes}, which names the record and the fix, for any other data
     */
    static byte[] of(Object data, Supplier<DataException> notBytes) {
        if (data == null) {
            return null;
        }
        if (data instanceof byte[] bytes) {
            return bytes;
        }
        if (data instanceof ByteBuffer buffer) {
            return copyOf(buffer);
        }
        throw notBytes.get();
    }

    /** The remaining bytes of {@code buffer}, copied without moving its position. */
    static byte[] copyOf(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}
