package io.mcst.replication.layers.metrics;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.layers.metrics.StoreMetrics.Op;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Measures every call to one store, per operation: its latency, whether it failed, and the value bytes sent
 * and received, recorded into a {@link StoreMetrics} that keeps and publishes them. A failure is a
 * {@link StoreException} (unavailable, corrupt, refused); a caller's mistake (a bad key, a closed store) is
 * not the store's and is not counted.
 */
public final class MeteredStore extends ForwardingKeyValueStore {
    private final StoreMetrics metrics;
    private final AtomicBoolean released = new AtomicBoolean();

    /** Meters {@code delegate} into {@code metrics}, which this store closes when it closes. */
    public MeteredStore(KeyValueStore delegate, StoreMetrics metrics) {
        super(delegate);
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public void put(String key, byte[] value) {
        measure(Op.PUT, () -> {
            super.put(key, value);
            return value;
        }, written -> written.length);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return measure(Op.GET, () -> super.get(key), read -> read.map(v -> v.length).orElse(0));
    }

    @Override
    public void remove(String key) {
        measure(Op.REMOVE, () -> {
            super.remove(key);
            return key;
        }, removed -> 0);
    }

    @Override
    public List<String> list(String prefix) {
        return measure(Op.LIST, () -> super.list(prefix), keys -> 0);
    }

    private <T> T measure(Op op, Supplier<T> call, ToLongFunction<T> valueBytes) {
        long start = System.nanoTime();
        T result;
        try {
            result = call.get();
        } catch (StoreException e) {
            metrics.recordFailure(op, System.nanoTime() - start);
            throw e;
        }
        metrics.recordSuccess(op, System.nanoTime() - start, valueBytes.applyAsLong(result));
        return result;
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            if (released.compareAndSet(false, true)) {
                metrics.close();
            }
        }
    }
}
