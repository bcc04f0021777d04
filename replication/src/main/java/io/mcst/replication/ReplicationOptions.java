package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How a {@link ReplicatedStore} replicates.
 *
 * @param semantics {@link Semantics#ATOMIC} (the default) or {@link Semantics#REGULAR}
 * @param faultTolerance t, how many stores may fail while operations still complete; below n/2. -1 (the
 *     default) means floor((n-1)/2)
 * @param inlineMaxBytes replicated values above this size get a thin eternal copy (docs/algorithm.md, Layout),
 *     so each store holds them once; erasure mode has no eternal key
 * @param maxReadRounds rounds after which a read under endless write contention gives up with a
 *     {@link ContentionException}
 * @param phaseTimeout how long one phase waits for a quorum before the stores that have not answered count
 *     as failed; only reached when more than t stores fail, since a phase ends at the quorum
 * @param maxConcurrency calls in flight at one store, for stores {@code storeMaxConcurrency} does not name;
 *     sized for cloud latency: a call mostly waits for the network, so throughput grows with calls in flight
 * @param storeMaxConcurrency calls in flight per store, by {@link io.mcst.stores.KeyValueStore#name()}
 * @param queuedCallsPerStore calls to one store that may wait for a thread; beyond that a call fails at once
 *     as "no answer", so a stalled store cannot exhaust memory. Generous by default (a queued call without a
 *     payload is a few hundred bytes; payloads have their own bound): a healthy store under many callers
 *     queues their calls rather than failing them
 * @param maxPendingBytesPerStore payload bytes of the puts one store has accepted and not yet answered, queued
 *     or in flight; a put beyond that fails at once as "no answer" from that store, so a stalled store pins at
 *     most this much memory (a single larger put is still accepted when nothing is pending there)
 * @param dataFragments 0 to store whole values at every store (the default); k &gt; 0 to erasure-code them:
 *     store i holds fragment i of a Reed–Solomon code any k fragments of which decode (docs/algorithm.md, Erasure coding),
 *     so storage drops from n times to n/k times the value. Needs k &lt;= n − 2t.
 */
public record ReplicationOptions(
        Semantics semantics,
        int faultTolerance,
        int inlineMaxBytes,
        int maxReadRounds,
        Duration phaseTimeout,
        int maxConcurrency,
        Map<String, Integer> storeMaxConcurrency,
        int queuedCallsPerStore,
        long maxPendingBytesPerStore,
        int dataFragments) {

    public static final int MAX_FAULT_TOLERANCE = -1;
    public static final int DEFAULT_INLINE_MAX_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_READ_ROUNDS = 32;
    public static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_CONCURRENCY = 64;
    public static final int DEFAULT_QUEUED_CALLS_PER_STORE = 4096;
    public static final long DEFAULT_MAX_PENDING_BYTES_PER_STORE = 256L << 20;

    public ReplicationOptions {
        requireNonNull(semantics, "semantics");
        requireNonNull(phaseTimeout, "phaseTimeout");
        storeMaxConcurrency = Map.copyOf(requireNonNull(storeMaxConcurrency, "storeMaxConcurrency"));
        if (faultTolerance < -1) {
            throw new IllegalArgumentException("faultTolerance must be -1 (the most n allows) or at least 0, not " + faultTolerance);
        }
        if (inlineMaxBytes < 0) {
            throw new IllegalArgumentException("inlineMaxBytes must not be negative: " + inlineMaxBytes);
        }
        if (maxReadRounds < 1 || maxConcurrency < 1 || queuedCallsPerStore < 1 || maxPendingBytesPerStore < 1
                || storeMaxConcurrency.values().stream().anyMatch(calls -> calls < 1)) {
            throw new IllegalArgumentException("maxReadRounds, maxConcurrency (also per store), queuedCallsPerStore and "
                    + "maxPendingBytesPerStore must be positive: " + this);
        }
        if (dataFragments < 0) {
            throw new IllegalArgumentException("dataFragments must be 0 (replicate) or a positive k: " + dataFragments);
        }
        if (phaseTimeout.isNegative() || phaseTimeout.isZero()) {
            throw new IllegalArgumentException("phaseTimeout must be positive: " + phaseTimeout);
        }
    }

    public static ReplicationOptions defaults() {
        return new ReplicationOptions(Semantics.ATOMIC, MAX_FAULT_TOLERANCE, DEFAULT_INLINE_MAX_BYTES,
                DEFAULT_MAX_READ_ROUNDS, DEFAULT_PHASE_TIMEOUT, DEFAULT_MAX_CONCURRENCY, Map.of(), DEFAULT_QUEUED_CALLS_PER_STORE,
                DEFAULT_MAX_PENDING_BYTES_PER_STORE, 0);
    }

    public ReplicationOptions withSemantics(Semantics value) {
        return new ReplicationOptions(value, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, maxConcurrency, storeMaxConcurrency, queuedCallsPerStore, maxPendingBytesPerStore, dataFragments);
    }

    public ReplicationOptions withFaultTolerance(int value) {
        return new ReplicationOptions(semantics, value, inlineMaxBytes, maxReadRounds, phaseTimeout, maxConcurrency, storeMaxConcurrency, queuedCallsPerStore, maxPendingBytesPerStore, dataFragments);
    }

    public ReplicationOptions withInlineMaxBytes(int value) {
        return new ReplicationOptions(semantics, faultTolerance, value, maxReadRounds, phaseTimeout, maxConcurrency, storeMaxConcurrency, queuedCallsPerStore, maxPendingBytesPerStore, dataFragments);
    }

    public ReplicationOptions withMaxReadRounds(int value) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, value, phaseTimeout, maxConcurrency, storeMaxConcurrency, queuedCallsPerStore, maxPendingBytesPerStore, dataFragments);
    }

    public ReplicationOptions withPhaseTimeout(Duration value) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, value, maxConcurrency, storeMaxConcurrency, queuedCallsPerStore, maxPendingBytesPerStore, dataFragments);
    }

    /** {@code calls} in flight at each store {@link #storeMaxConcurrency} does not name, and {@code queuedCalls} waiting. */
    public ReplicationOptions withQueuePerStore(int calls, int queuedCalls) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, calls, storeMaxConcurrency, queuedCalls, maxPendingBytesPerStore, dataFragments);
    }

    /** {@code calls} in flight at the store named {@code storeName}. */
    public ReplicationOptions withMaxConcurrency(String storeName, int calls) {
        Map<String, Integer> perStore = new HashMap<>(storeMaxConcurrency);
        perStore.put(requireNonNull(storeName, "storeName"), calls);
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, maxConcurrency, perStore, queuedCallsPerStore, maxPendingBytesPerStore, dataFragments);
    }

    public ReplicationOptions withMaxPendingBytesPerStore(long value) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, maxConcurrency, storeMaxConcurrency, queuedCallsPerStore, value, dataFragments);
    }

    /** Erasure-codes values into {@code k} data fragments (0: replicate whole values). */
    public ReplicationOptions withDataFragments(int k) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, maxConcurrency, storeMaxConcurrency, queuedCallsPerStore, maxPendingBytesPerStore, k);
    }

    /** Calls in flight at the store named {@code storeName}. */
    int maxConcurrencyOf(String storeName) {
        return storeMaxConcurrency.getOrDefault(storeName, maxConcurrency);
    }

    /** The answers each phase waits for among {@code n} stores: n - t. */
    public int quorumFor(int n) {
        return n - faultToleranceFor(n);
    }

    /** The fault tolerance for {@code n} stores: the configured t, checked, or floor((n-1)/2). */
    int faultToleranceFor(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("replication needs at least one store");
        }
        int t = faultTolerance == MAX_FAULT_TOLERANCE ? (n - 1) / 2 : faultTolerance;
        if (2 * t >= n) {
            throw new IllegalArgumentException("fault tolerance t=" + t + " needs t < n/2 for n=" + n
                    + " stores, so that any two quorums of n-t stores intersect; use 0.." + (n - 1) / 2);
        }
        return t;
    }
}
