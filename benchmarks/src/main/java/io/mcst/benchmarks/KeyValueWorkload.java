package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.KeyValueStore;
import java.time.Duration;
import java.util.Optional;

/**
 * Puts then gets of values of one size: each caller owns {@code keysPerCaller} keys and cycles through them,
 * so puts overwrite (as archive index registers do) and every get checks it returned the last value its
 * caller wrote, byte for byte. A wrong or missing value counts as an error, not as a fast read.
 */
final class KeyValueWorkload {
    private final int callers;
    private final int keysPerCaller;
    private final Payloads payloads;
    /** The stamp each key holds: written and read by the key's owning caller only; -1 once a put failed. */
    private final long[][] lastStamps;

    KeyValueWorkload(int callers, int keysPerCaller, int valueBytes) {
        this.callers = callers;
        this.keysPerCaller = keysPerCaller;
        this.payloads = new Payloads(valueBytes, 42);
        this.lastStamps = new long[callers][keysPerCaller];
    }

    int valueBytes() {
        return payloads.size();
    }

    LoadRunner.Result puts(KeyValueStore store, Duration duration) {
        requireNonNull(store, "store");
        return LoadRunner.run(callers, duration, (caller, i) -> {
            int slot = (int) (i % keysPerCaller);
            put(store, caller, slot, (caller + 1L) << 32 | (i + 1));
            return payloads.size();
        });
    }

    /** Gets of keys every caller wrote; keys a short put run never reached are written first, in parallel. */
    LoadRunner.Result gets(KeyValueStore store, Duration duration) {
        requireNonNull(store, "store");
        LoadRunner.Result fill = LoadRunner.run(callers, Duration.ZERO, (caller, ignored) -> {
            for (int slot = 0; slot < keysPerCaller; slot++) {
                if (lastStamps[caller][slot] == 0) {
                    put(store, caller, slot, (caller + 1L) << 32);
                }
            }
            return 0;
        });
        if (fill.errors() > 0) {
            throw new IllegalStateException("could not write the keys to read: " + fill.firstError());
        }
        return LoadRunner.run(callers, duration, (caller, i) -> {
            int slot = (int) (i % keysPerCaller);
            String key = key(caller, slot);
            Optional<byte[]> value = store.get(key);
            if (value.isEmpty()) {
                throw new IllegalStateException("read of '" + key + "' found nothing after a write");
            }
            long stamp = payloads.stampOf(key, value.get());
            long expected = lastStamps[caller][slot];
            if (expected != -1 && stamp != expected) {
                throw new IllegalStateException("read of '" + key + "' returned an old value");
            }
            return value.get().length;
        });
    }

    private void put(KeyValueStore store, int caller, int slot, long stamp) {
        try {
            store.put(key(caller, slot), payloads.stamped(stamp));
            lastStamps[caller][slot] = stamp;
        } catch (RuntimeException e) {
            lastStamps[caller][slot] = -1; // the write may or may not have taken effect
            throw e;
        }
    }

    private static String key(int caller, int slot) {
        return "bench/caller-" + caller + "/key-" + slot;
    }
}
