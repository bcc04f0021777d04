package io.mcst.replication.layers.metrics;

import java.util.EnumMap;
import java.util.Map;

/** Counts what a {@link MeteredStore} records, per operation. Not thread-safe: one test thread. */
public final class CountingStoreMetrics implements StoreMetrics {
    final Map<Op, Long> calls = new EnumMap<>(Op.class);
    final Map<Op, Long> failures = new EnumMap<>(Op.class);
    final Map<Op, Long> valueBytes = new EnumMap<>(Op.class);
    long maxElapsedNanos;
    boolean up = true;
    int closes;

    @Override
    public void recordSuccess(Op op, long elapsedNanos, long bytes) {
        record(op, elapsedNanos);
        valueBytes.merge(op, bytes, Long::sum);
    }

    @Override
    public void recordFailure(Op op, long elapsedNanos) {
        record(op, elapsedNanos);
        failures.merge(op, 1L, Long::sum);
    }

    private void record(Op op, long elapsedNanos) {
        calls.merge(op, 1L, Long::sum);
        maxElapsedNanos = Math.max(maxElapsedNanos, elapsedNanos);
    }

    @Override
    public void recordUp(boolean up) {
        this.up = up;
    }

    @Override
    public void close() {
        closes++;
    }
}
