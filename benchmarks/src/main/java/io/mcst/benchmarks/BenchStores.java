package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The benchmark's base stores, JVM-wide by name, so a scenario (or a Connect worker in this JVM) that opens
 * a stack naming a store sees the same data and the harness can count what each store holds and served.
 */
public final class BenchStores {
    private static final ConcurrentMap<String, Base> STORES = new ConcurrentHashMap<>();

    private BenchStores() {}

    /** One base store: its data and the traffic it served. */
    record Base(MemoryStore data, StoreTraffic traffic) {}

    static Base base(String name) {
        requireNonNull(name, "name");
        return STORES.computeIfAbsent(name, n -> new Base(new MemoryStore(n), new StoreTraffic()));
    }

    /** The data of store {@code name}, without latency: for counting blobs and bytes. */
    public static KeyValueStore data(String name) {
        return base(name).data();
    }

    public static StoreTraffic traffic(String name) {
        return base(name).traffic();
    }

    /** Sum of the sizes of every blob store {@code name} holds. */
    public static long storedBytes(String name) {
        KeyValueStore data = data(name);
        return data.list("").stream().mapToLong(key -> data.get(key).map(v -> v.length).orElse(0)).sum();
    }

    /** Forgets every store, so the next scenario starts empty with fresh counters. */
    public static void clear() {
        STORES.clear();
    }
}
