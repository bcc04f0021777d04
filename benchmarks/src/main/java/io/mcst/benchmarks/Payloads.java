package io.mcst.benchmarks;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Values of one size that differ per write: random bytes (so compression cannot cheat) whose first eight
 * bytes carry a stamp, so a read can tell which write it returned.
 */
final class Payloads {
    private final byte[] template;

    Payloads(int size, long seed) {
        if (size < Long.BYTES) {
            throw new IllegalArgumentException("values need at least 8 bytes for their stamp, got " + size);
        }
        template = new byte[size];
        new Random(seed).nextBytes(template);
    }

    int size() {
        return template.length;
    }

    byte[] stamped(long stamp) {
        byte[] value = template.clone();
        ByteBuffer.wrap(value).putLong(0, stamp);
        return value;
    }

    /** The stamp of {@code value}, or an exception if it is not a value of these payloads. */
    long stampOf(String key, byte[] value) {
        if (value.length != template.length
                || !Arrays.equals(value, Long.BYTES, value.length, template, Long.BYTES, template.length)) {
            throw new IllegalStateException("read of '" + key + "' returned " + value.length
                    + " bytes that no write wrote");
        }
        return ByteBuffer.wrap(value).getLong(0);
    }
}
