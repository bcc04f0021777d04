package io.mcst.replication.layers.compression;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.layers.ValueTransformingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Compresses values on put and decompresses them on get. Every blob starts with a header that names its
 * codec, so blobs written under one {@code compression.codec} stay readable after the setting changes, and a
 * blob written without this layer is rejected instead of being returned as if it were the value.
 *
 * <pre>
 *   offset 0  4 bytes  magic 'm' 'c' 'z' 0x01 (format version 1)
 *   offset 4  1 byte   codec id (0 none, 1 gzip, 2 zstd)
 *   offset 5  4 bytes  length of the uncompressed value, big-endian
 *   offset 9           the codec's output
 * </pre>
 *
 * A value the codec does not shrink (already compressed or encrypted data) is stored with codec none, so
 * reading it costs a copy rather than a decompression.
 */
public final class CompressingStore extends ValueTransformingStore {
    private static final byte[] MAGIC = {'m', 'c', 'z', 0x01};
    static final int HEADER_BYTES = MAGIC.length + 1 + Integer.BYTES;

    private final CompressionCodec codec;
    private final int level;

    /**
     * @param level the codec's level, between {@link CompressionCodec#minLevel()} and
     *     {@link CompressionCodec#maxLevel()}
     */
    public CompressingStore(KeyValueStore delegate, CompressionCodec codec, int level) {
        super(delegate);
        this.codec = requireNonNull(codec, "codec");
        if (level < codec.minLevel() || level > codec.maxLevel()) {
            throw new IllegalArgumentException("level %d is outside %s's range %d..%d"
                    .formatted(level, codec.configName(), codec.minLevel(), codec.maxLevel()));
        }
        this.level = level;
    }

    public CompressingStore(KeyValueStore delegate, CompressionCodec codec) {
        this(delegate, codec, codec.defaultLevel());
    }

    @Override
    protected byte[] encode(String key, byte[] value) {
        requireNonNull(value, "value");
        CompressionCodec used = codec;
        byte[] body = codec.compress(value, level);
        if (used != CompressionCodec.NONE && body.length >= value.length) {
            used = CompressionCodec.NONE;
            body = value;
        }
        return ByteBuffer.allocate(HEADER_BYTES + body.length)
                .put(MAGIC)
                .put((byte) used.id())
                .putInt(value.length)
                .put(body)
                .array();
    }

    @Override
    protected byte[] decode(String key, byte[] blob) {
        if (blob.length < HEADER_BYTES || !ByteBuffer.wrap(blob, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw corrupt(key, "has no compression header: it was written without the compression layer "
                    + "(or with a different layer order) or by another program", null);
        }
        ByteBuffer header = ByteBuffer.wrap(blob, MAGIC.length, HEADER_BYTES - MAGIC.length);
        int id = header.get() & 0xff;
        int length = header.getInt();
        CompressionCodec stored = CompressionCodec.forId(id).filter(codec -> length >= 0).orElseThrow(() ->
                corrupt(key, "has an invalid compression header (codec id %d, length %d)".formatted(id, length), null));
        byte[] body = new byte[blob.length - HEADER_BYTES];
        System.arraycopy(blob, HEADER_BYTES, body, 0, body.length);
        try {
            return stored.decompress(body, length);
        } catch (IOException | RuntimeException e) {
            throw corrupt(key, "failed to decompress (" + stored.configName() + "): " + e.getMessage(), e);
        }
    }

    private StoreCorruptionException corrupt(String key, String problem, Throwable cause) {
        return new StoreCorruptionException("store '%s': blob '%s' %s".formatted(name(), key, problem), cause);
    }

    @Override
    public String toString() {
        return "CompressingStore[" + codec.configName() + " level " + level + ", " + delegate() + "]";
    }
}
