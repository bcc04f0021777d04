package io.mcst.connector.sink;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Gets take {@code latencyMs}, as a cloud's do; records how many ran at once. */
final class SlowStore extends ForwardingKeyValueStore {
    private final long latencyMs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    SlowStore(KeyValueStore delegate, long latencyMs) {
        super(delegate);
        this.latencyMs = latencyMs;
    }

    int maxConcurrentGets() {
        return maxInFlight.get();
    }

    @Override
    public Optional<byte[]> get(String key) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(latencyMs);
            return super.get(key);
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
