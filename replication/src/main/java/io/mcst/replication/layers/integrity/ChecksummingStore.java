package io.mcst.replication.layers.integrity;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Prefixes each blob with a SHA-256 digest of its key and value and verifies it on every read, so a blob that
 * a cloud, a proxy or a disk damaged, truncated or filed under another key is reported as a
 * {@link StoreCorruptionException} naming the store and the key, never returned as data.
 *
 * <pre>
 *   offset 0   4 bytes   magic 'm' 'c' 'i' 0x01 (format version 1)
 *   offset 4   32 bytes  SHA-256 of: the key's UTF-8 length (4 bytes, big-endian), the key's UTF-8 bytes, the value
 *   offset 36            the value
 * </pre>
 *
 * <p>Why SHA-256 and not CRC32C: blobs live for years and get large (segments of many MiB), and a CRC's
 * 2^-32 chance of missing arbitrary damage is not negligible over billions of blob reads, whereas SHA-256
 * misses nothing in practice; the replication core's blob header already carries a CRC32C, so a second CRC
 * would add little. SHA-256 runs at several hundred MB/s per core on the JDK (more with SHA extensions), well
 * above a cloud upload's speed. It is a checksum, not a MAC: it detects accidents, while the encryption
 * layer's authentication tag is what defeats a deliberate forger.
 *
 * <p>In a stack this layer wraps each base store below replication, so a corrupt replica is one failed
 * answer in the quorum and gets repaired, rather than a failed read.
 */
public final class ChecksummingStore extends ForwardingKeyValueStore {
    private static final byte[] MAGIC = {'m', 'c', 'i', 0x01};
    private static final int DIGEST_BYTES = 32;
    static final int HEADER_BYTES = MAGIC.length + DIGEST_BYTES;

    public ChecksummingStore(KeyValueStore delegate) {
        super(delegate);
    }

    @Override
    public void put(String key, byte[] value) {
        super.put(key, ByteBuffer.allocate(HEADER_BYTES + value.length)
                .put(MAGIC)
                .put(digest(key, value, 0))
                .put(value)
                .array());
    }

    @Override
    public Optional<byte[]> get(String key) {
        return super.get(key).map(blob -> verify(key, blob));
    }

    private byte[] verify(String key, byte[] blob) {
        if (blob.length < HEADER_BYTES || !Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw corrupt(key, ("has no integrity header (%d bytes): it was truncated, or written without the "
                    + "integrity layer or by another program").formatted(blob.length));
        }
        byte[] expected = Arrays.copyOfRange(blob, MAGIC.length, HEADER_BYTES);
        byte[] actual = digest(key, blob, HEADER_BYTES);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw corrupt(key, "fails its SHA-256 check (stored %s, computed %s over %d value bytes): the blob was "
                    .formatted(hex(expected), hex(actual), blob.length - HEADER_BYTES)
                    + "damaged, or written under another key");
        }
        return Arrays.copyOfRange(blob, HEADER_BYTES, blob.length);
    }

    private static byte[] digest(String key, byte[] bytes, int valueOffset) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256 = sha256();
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(keyBytes.length).array());
        sha256.update(keyBytes);
        sha256.update(bytes, valueOffset, bytes.length - valueOffset);
        return sha256.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, 8) + "…";
    }

    private StoreCorruptionException corrupt(String key, String problem) {
        return new StoreCorruptionException("store '%s': blob '%s' %s".formatted(name(), key, problem));
    }
}
