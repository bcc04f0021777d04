package io.mcst.stack;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * {@code type=crashable}, in tests only (registered as a deployment would add a type): a memory store that a
 * test crashes and heals through {@link #store}, to see a configured stack through an outage.
 */
public final class CrashableStoreType implements StoreType {
    private static final Map<String, FaultInjectingStore> OPENED = new ConcurrentHashMap<>();

    /** The store last opened as {@code name}. */
    static FaultInjectingStore store(String name) {
        return OPENED.get(name);
    }

    @Override
    public String type() {
        return "crashable";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef();
    }

    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        FaultInjectingStore store = new FaultInjectingStore(new MemoryStore(storeName));
        OPENED.put(storeName, store);
        return store;
    }
}
