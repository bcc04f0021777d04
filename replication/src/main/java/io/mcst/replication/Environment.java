package io.mcst.replication;

import io.mcst.stores.KeyValueStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link ReplicatedStore} takes from its surroundings: the executor behind each store's calls, the
 * clock and the waiting of its phase deadlines, and its client id. Production runs {@link #SYSTEM}; the
 * randomized histories substitute virtual time and seeded ids, so a history is a function of its seed.
 */
interface Environment {
    Environment SYSTEM = new Environment() {
        private final SecureRandom ids = new SecureRandom();

        @Override
        public ExecutorService laneExecutor(int index, KeyValueStore store, ReplicationOptions options) {
            return StoreLane.pool(store, options.maxConcurrencyOf(store.name()), options.queuedCallsPerStore());
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void await(Object monitor, long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
        }

        @Override
        public String newClientId() {
            byte[] id = new byte[16];
            ids.nextBytes(id);
            return HexFormat.of().formatHex(id);
        }
    };

    /** Runs the calls to store number {@code index}; a rejected call counts as "no answer" from it. */
    ExecutorService laneExecutor(int index, KeyValueStore store, ReplicationOptions options);

    /** The clock of phase deadlines, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits on {@code monitor}, whose lock the caller holds, until it is notified or {@code nanos} passed. */
    void await(Object monitor, long nanos) throws InterruptedException;

    /** A fresh client id: 32 lowercase hex digits, unique forever (docs/algorithm.md, Pitfalls). */
    String newClientId();
}
