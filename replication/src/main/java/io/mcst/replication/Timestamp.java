package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.HexFormat;

/**
 * A write's logical timestamp (docs/algorithm.md, Layout): a counter, then the writer's id to break ties. Ordered
 * counter first, then client id; never a wall clock.
 *
 * @param counter a positive logical counter
 * @param clientId the writer's 128-bit id as 32 lowercase hex digits
 */
public record Timestamp(long counter, String clientId) implements Comparable<Timestamp> {
    /** Below every real timestamp: what a register that was never written has. */
    public static final Timestamp ZERO = new Timestamp(0, "0".repeat(32));

    private static final Comparator<Timestamp> ORDER =
            Comparator.comparingLong(Timestamp::counter).thenComparing(Timestamp::clientId);

    public Timestamp {
        requireNonNull(clientId, "clientId");
        if (counter < 0) {
            throw new IllegalArgumentException("negative counter " + counter);
        }
        if (clientId.length() != 32 || !clientId.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("client id must be 32 lowercase hex digits: " + clientId);
        }
    }

    /** Fenced writers (docs/algorithm.md, Fencing): the counter's high 32 bits are an epoch, its low 32 bits a sequence. */
    static final int EPOCH_SHIFT = 32;
    /** The highest epoch, so that {@code epoch << 32} stays a non-negative counter. */
    static final long MAX_EPOCH = Integer.MAX_VALUE;
    static final long MAX_SEQUENCE = 0xFFFF_FFFFL;

    /** The epoch this timestamp belongs to: 0 for writers that never fenced the key. */
    long epoch() {
        return counter >>> EPOCH_SHIFT;
    }

    byte[] clientIdBytes() {
        return HexFormat.of().parseHex(clientId);
    }

    static Timestamp of(long counter, byte[] clientId) {
        return new Timestamp(counter, HexFormat.of().formatHex(clientId));
    }

    @Override
    public int compareTo(Timestamp other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return counter + "-" + clientId;
    }
}
