package io.mcst.stores.memory;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;

class MemoryStoreTest extends AbstractKeyValueStoreTest {
    @Override
    protected KeyValueStore createStore() {
        return new MemoryStore("memory");
    }
}
