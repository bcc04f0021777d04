package io.mcst.connector.it;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stack.StoreType;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * {@code store.<name>.type=faulty-memory}, for tests: a memory store shared by the whole JVM (so a test reads
 * what a Connect worker in the same JVM wrote) behind one {@link FaultInjectingStore} per name, which the test
 * crashes and heals through {@link #faults(String)} while connectors use the store.
 */
public final class FaultyMemoryStoreType implements StoreType {
    private static final ConcurrentMap<String, FaultInjectingStore> STORES = new ConcurrentHashMap<>();

    /** The fault switch of the store called {@code name}, shared by every stack that opens it. */
    public static FaultInjectingStore faults(String name) {
        return STORES.computeIfAbsent(name, n -> new FaultInjectingStore(new MemoryStore(n)));
    }

    @Override
    public String type() {
        return "faulty-memory";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef();
    }

    /** A view whose close leaves the shared store, and its faults, to the next stack that opens it. */
    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        return new ForwardingKeyValueStore(faults(storeName)) {
            @Override
            public void close() {}
        };
    }
}
