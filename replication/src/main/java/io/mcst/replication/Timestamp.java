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
