package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

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
 * @param threadsPerStore concurrent calls to one store
 * @param queuedCallsPerStore calls to one store that may wait for a thread; beyond that a call fails at once
 *     as "no answer", so a stalled store cannot exhaust memory
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
        int threadsPerStore,
        int queuedCallsPerStore,
        int dataFragments) {

    public static final int MAX_FAULT_TOLERANCE = -1;
    public static final int DEFAULT_INLINE_MAX_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_READ_ROUNDS = 32;
    public static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_THREADS_PER_STORE = 8;
    public static final int DEFAULT_QUEUED_CALLS_PER_STORE = 256;

    public ReplicationOptions {
        requireNonNull(semantics, "semantics");
        requireNonNull(phaseTimeout, "phaseTimeout");
        if (faultTolerance < -1) {
            throw new IllegalArgumentException("faultTolerance must be -1 (the most n allows) or at least 0, not " + faultTolerance);
        }
        if (inlineMaxBytes < 0) {
            throw new IllegalArgumentException("inlineMaxBytes must not be negative: " + inlineMaxBytes);
        }
        if (maxReadRounds < 1 || threadsPerStore < 1 || queuedCallsPerStore < 1) {
            throw new IllegalArgumentException("maxReadRounds, threadsPerStore and queuedCallsPerStore must be positive: " + this);
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
                DEFAULT_MAX_READ_ROUNDS, DEFAULT_PHASE_TIMEOUT, DEFAULT_THREADS_PER_STORE, DEFAULT_QUEUED_CALLS_PER_STORE, 0);
    }

    public ReplicationOptions withSemantics(Semantics value) {
        return new ReplicationOptions(value, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, threadsPerStore, queuedCallsPerStore, dataFragments);
    }

    public ReplicationOptions withFaultTolerance(int value) {
        return new ReplicationOptions(semantics, value, inlineMaxBytes, maxReadRounds, phaseTimeout, threadsPerStore, queuedCallsPerStore, dataFragments);
    }

    public ReplicationOptions withInlineMaxBytes(int value) {
        return new ReplicationOptions(semantics, faultTolerance, value, maxReadRounds, phaseTimeout, threadsPerStore, queuedCallsPerStore, dataFragments);
    }

    public ReplicationOptions withMaxReadRounds(int value) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, value, phaseTimeout, threadsPerStore, queuedCallsPerStore, dataFragments);
    }

    public ReplicationOptions withPhaseTimeout(Duration value) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, value, threadsPerStore, queuedCallsPerStore, dataFragments);
    }

    public ReplicationOptions withQueuePerStore(int threads, int queuedCalls) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, threads, queuedCalls, dataFragments);
    }

    /** Erasure-codes values into {@code k} data fragments (0: replicate whole values). */
    public ReplicationOptions withDataFragments(int k) {
        return new ReplicationOptions(semantics, faultTolerance, inlineMaxBytes, maxReadRounds, phaseTimeout, threadsPerStore, queuedCallsPerStore, k);
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
