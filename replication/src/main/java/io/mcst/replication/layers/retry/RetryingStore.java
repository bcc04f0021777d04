package io.mcst.replication.layers.retry;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Retries calls that failed with {@link StoreUnavailableException} (throttling, 5xx, timeouts, refused
 * connections), with bounded exponential backoff and full jitter (see {@link RetryPolicy}). Nothing else is
 * retried: a {@code StoreException} (bad credentials, missing bucket), a corruption or a rejected key would
 * fail the same way again. Every operation of the SPI is idempotent (a put writes a whole value), so a retry
 * after a failure whose effect is unknown is safe.
 *
 * <p>When the attempts run out the call fails with a {@code StoreUnavailableException} whose cause is the
 * last failure: still transient for a replicated store above, which counts it as this store's "no answer".
 */
public final class RetryingStore extends ForwardingKeyValueStore {
    /** Waits; a seam so tests run without real sleeps. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final RetryPolicy policy;
    private final Random random;
    private final Sleeper sleeper;

    public RetryingStore(KeyValueStore delegate, RetryPolicy policy) {
        this(delegate, policy, new Random(), duration -> Thread.sleep(duration.toMillis()));
    }

    /** For tests: a seeded {@code random} makes the backoffs repeatable, and {@code sleeper} records them. */
    RetryingStore(KeyValueStore delegate, RetryPolicy policy, Random random, Sleeper sleeper) {
        super(delegate);
        this.policy = requireNonNull(policy, "policy");
        this.random = requireNonNull(random, "random");
        this.sleeper = requireNonNull(sleeper, "sleeper");
    }

    @Override
    public void put(String key, byte[] value) {
        retrying("put", key, () -> {
            super.put(key, value);
            return null;
        });
    }

    @Override
    public Optional<byte[]> get(String key) {
        return retrying("get", key, () -> super.get(key));
    }

    @Override
    public void remove(String key) {
        retrying("remove", key, () -> {
            super.remove(key);
            return null;
        });
    }

    @Override
    public List<String> list(String prefix) {
        return retrying("list", prefix, () -> super.list(prefix));
    }

    private <T> T retrying(String operation, String key, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (StoreUnavailableException e) {
                if (attempt >= policy.maxAttempts()) {
                    throw new StoreUnavailableException("store '%s': %s '%s' still failing after %d attempts: %s"
                            .formatted(name(), operation, key, attempt, e.getMessage()), e);
                }
                try {
                    sleeper.sleep(policy.backoff(attempt, random));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("store '%s': %s '%s' interrupted while waiting to retry"
                            .formatted(name(), operation, key), e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RetryingStore[" + policy + ", " + delegate() + "]";
    }
}
