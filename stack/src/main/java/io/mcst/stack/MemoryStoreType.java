package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.SharedStoreView;
import io.mcst.stores.memory.MemoryStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * {@code type=memory}: a store that lives as long as the JVM, shared by every stack in it that names the
 * same store, so a sink and a source in one Connect worker (or one test) see the same data. Closing a
 * stack closes its view, not the shared data.
 */
public final class MemoryStoreType implements StoreType {
    private static final ConcurrentMap<String, MemoryStore> SHARED = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef();
    }

    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        return new SharedStoreView(SHARED.computeIfAbsent(storeName, MemoryStore::new));
    }
}
