package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.benchmarks.LatencyModel.Op;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A store that takes as long as a cloud would: each call sleeps (never spins, so dozens of concurrent calls
 * fit on two cores) for a latency drawn from a {@link LatencyModel} with a seeded random source, and counts
 * what it served. Writes take effect after their latency, as an upload completes; reads see the data when
 * they start and then spend the transfer time.
 */
public final class ModeledStore extends ForwardingKeyValueStore {
    private final LatencyModel model;
    private final Random random;
    private final StoreTraffic traffic;

    public ModeledStore(KeyValueStore delegate, LatencyModel model, long seed, StoreTraffic traffic) {
        super(delegate);
        this.model = requireNonNull(model, "model");
        this.random = new Random(seed);
        this.traffic = requireNonNull(traffic, "traffic");
    }

    @Override
    public void put(String key, byte[] value) {
        pause(Op.PUT, value.length);
        super.put(key, value);
        traffic.record(Op.PUT, value.length);
    }

    @Override
    public Optional<byte[]> get(String key) {
        Optional<byte[]> value = super.get(key);
        int size = value.map(v -> v.length).orElse(0);
        pause(Op.GET, size);
        traffic.record(Op.GET, size);
        return value;
    }

    @Override
    public void remove(String key) {
        pause(Op.REMOVE, 0);
        super.remove(key);
        traffic.record(Op.REMOVE, 0);
    }

    @Override
    public List<String> list(String prefix) {
        List<String> keys = super.list(prefix);
        pause(Op.LIST, 0);
        traffic.record(Op.LIST, 0);
        return keys;
    }

    private void pause(Op op, int valueBytes) {
        long nanos = model.sampleNanos(op, valueBytes, random);
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("store '" + name() + "': " + op + " interrupted", e);
        }
    }
}
