package io.mcst.connector.sink;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.util.function.Predicate;

/** Fails puts of the keys a test chooses, as a stack does when fewer than n - t stores answer. */
final class SwitchableStore extends ForwardingKeyValueStore {
    private volatile Predicate<String> failingPuts = key -> false;
    private volatile boolean failGets;

    SwitchableStore(KeyValueStore delegate) {
        super(delegate);
    }

    void failPuts(Predicate<String> keys) {
        failingPuts = keys;
    }

    void failGets(boolean fail) {
        failGets = fail;
    }

    void heal() {
        failingPuts = key -> false;
        failGets = false;
    }

    @Override
    public void put(String key, byte[] value) {
        if (failingPuts.test(key)) {
            throw new StoreUnavailableException("test: no quorum for put " + key);
        }
        super.put(key, value);
    }

    @Override
    public java.util.Optional<byte[]> get(String key) {
        if (failGets) {
            throw new StoreUnavailableException("test: no quorum for get " + key);
        }
        return super.get(key);
    }

    @Override
    public void close() {
        // the test owns the wrapped store and reads it after the task stops
    }
}
