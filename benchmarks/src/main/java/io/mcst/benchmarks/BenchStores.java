package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The benchmark's base stores, JVM-wide by name, so a scenario (or a Connect worker in this JVM) that opens
 * a stack naming a store sees the same data and the harness can count what each store holds and served. A
 * store can be stalled by name: every open view of it, and every view opened later, stops answering until
 * healed, through the product's {@link FaultInjectingStore}.
 */
public final class BenchStores {
    private static final ConcurrentMap<String, Base> STORES = new ConcurrentHashMap<>();

    private BenchStores() {}

    /** One base store: its data, the traffic it served and its open views' fault switches. */
    static final class Base {
        private final MemoryStore data;
        private final StoreTraffic traffic = new StoreTraffic();
        private final Set<FaultInjectingStore> views = ConcurrentHashMap.newKeySet();
        private boolean stalled;

        Base(String name) {
            this.data = new MemoryStore(name);
        }

        MemoryStore data() {
            return data;
        }

        StoreTraffic traffic() {
            return traffic;
        }

        /** Registers a view's fault switch, stalled already if the store is. */
        synchronized void attach(FaultInjectingStore view) {
            views.add(view);
            if (stalled) {
                view.stall();
            }
        }

        synchronized void stall(boolean stall) {
            stalled = stall;
            for (FaultInjectingStore view : views) {
                if (stall) {
                    view.stall();
                } else {
                    view.heal();
                }
            }
        }
    }

    static Base base(String name) {
        requireNonNull(name, "name");
        return STORES.computeIfAbsent(name, Base::new);
    }

    /** From now on, store {@code name} never answers: calls block until {@link #heal} or the view closes. */
    public static void stall(String name) {
        base(name).stall(true);
    }

    public static void heal(String name) {
        base(name).stall(false);
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

    /** Sum of the sizes of every blob every store holds: what a scenario's stack stored over all its stores. */
    public static long storedBytesOfAll() {
        return STORES.keySet().stream().mapToLong(BenchStores::storedBytes).sum();
    }

    /** Releases stalled calls and forgets every store, so the next scenario starts empty with fresh counters. */
    public static void clear() {
        STORES.values().forEach(base -> base.stall(false));
        STORES.clear();
    }
}
