package io.mcst.replication.layers.retry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Random;

/**
 * How {@link RetryingStore} retries: at most {@code maxAttempts} calls in all, waiting before retry {@code n}
 * a random time between zero and {@code min(maxBackoff, initialBackoff * 2^(n-1))} ("full jitter", so
 * clients that failed together do not retry together).
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));

    public RetryPolicy {
        requireNonNull(initialBackoff, "initialBackoff");
        requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 (1 = no retries), not " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff (%s) <= maxBackoff (%s)".formatted(initialBackoff, maxBackoff));
        }
    }

    /** The longest wait before retry {@code retry} (1 for the first retry). */
    public Duration backoffCap(int retry) {
        long cap = initialBackoff.toMillis();
        for (int i = 1; i < retry && cap < maxBackoff.toMillis(); i++) {
            cap *= 2;
        }
        return Duration.ofMillis(Math.min(cap, maxBackoff.toMillis()));
    }

    /** The wait before retry {@code retry}: uniform in {@code [0, backoffCap(retry)]}. */
    Duration backoff(int retry, Random random) {
        long cap = backoffCap(retry).toMillis();
        return Duration.ofMillis(cap == 0 ? 0 : (long) (random.nextDouble() * (cap + 1)));
    }
}
