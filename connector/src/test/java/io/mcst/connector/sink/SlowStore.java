package io.mcst.connector.sink;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.replication.Fence;
import io.mcst.replication.FencedStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Reads (gets and takeovers) take {@code latencyMs}, as a cloud's do; records how many ran at once. */
final class SlowStore extends ForwardingKeyValueStore implements FencedStore {
    private final long latencyMs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    SlowStore(FencedStore delegate, long latencyMs) {
        super(delegate);
        this.latencyMs = latencyMs;
    }

    int maxConcurrentReads() {
        return maxInFlight.get();
    }

    @Override
    public Optional<byte[]> get(String key) {
        return slowly(() -> super.get(key));
    }

    @Override
    public Fence takeover(String key) {
        return slowly(() -> FencedStore.of(delegate()).takeover(key));
    }

    @Override
    public void putFenced(String key, byte[] value, Fence fence) {
        FencedStore.of(delegate()).putFenced(key, value, fence);
    }

    @Override
    public void removeFenced(String key, Fence fence) {
        FencedStore.of(delegate()).removeFenced(key, fence);
    }

    private <T> T slowly(Supplier<T> read) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(latencyMs);
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        // the test owns the wrapped store
    }
}
