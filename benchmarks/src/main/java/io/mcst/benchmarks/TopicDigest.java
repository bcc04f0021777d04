package io.mcst.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A SHA-256 per partition over every record's key, value, headers and timestamp in offset order, so two
 * topics can be compared byte for byte without holding their records.
 */
final class TopicDigest {
    private final Map<Integer, MessageDigest> partitions = new HashMap<>();
    private long records;

    void add(ConsumerRecord<byte[], byte[]> record) {
        MessageDigest digest = partitions.computeIfAbsent(record.partition(), p -> sha256());
        field(digest, record.key());
        field(digest, record.value());
        for (Header header : record.headers()) {
            field(digest, header.key().getBytes(StandardCharsets.UTF_8));
            field(digest, header.value());
        }
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(record.timestamp()).array());
        records++;
    }

    long records() {
        return records;
    }

    /** The digests, per partition; finishes this digest. */
    Map<Integer, String> finish() {
        Map<Integer, String> result = new HashMap<>();
        partitions.forEach((partition, digest) -> result.put(partition, Arrays.toString(digest.digest())));
        return result;
    }

    /** Length-prefixed, with -1 for null, so (null, "") and ("", null) differ. */
    private static void field(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes == null ? -1 : bytes.length).array());
        if (bytes != null) {
            digest.update(bytes);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
