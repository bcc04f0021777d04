package io.mcst.replication.layers.compression;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;

class GzipCompressingStoreTest extends AbstractKeyValueStoreTest {
    @Override
    protected KeyValueStore createStore() {
        return new CompressingStore(new MemoryStore("mem"), CompressionCodec.GZIP);
    }
}
