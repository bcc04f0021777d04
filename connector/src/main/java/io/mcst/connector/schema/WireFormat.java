package io.mcst.connector.schema;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/**
 * The Schema Registry serializers' wire format: a magic byte 0, the schema id as 4 bytes big-endian, then the
 * serialized data.
 */
public final class WireFormat {
    private static final byte MAGIC = 0;
    private static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** The schema id {@code bytes} start with, or empty if they are null or not in the wire format. */
    public static OptionalInt schemaId(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_SIZE || bytes[0] != MAGIC) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    /** A copy of {@code bytes} (in the wire format) with schema id {@code id}. */
    public static byte[] withSchemaId(byte[] bytes, int id) {
        if (schemaId(bytes).isEmpty()) {
            throw new IllegalArgumentException("not in the schema registry wire format");
        }
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy, 1, 4).putInt(id);
        return copy;
    }
}
