package io.mcst.stores.memory;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.CloseGuard;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreKeys;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** An in-process store for tests and the demo. Values are copied in and out, so callers cannot alias them. */
public final class MemoryStore implements KeyValueStore {
    private final String name;
    private final CloseGuard guard;
    private final ConcurrentSkipListMap<String, byte[]> blobs = new ConcurrentSkipListMap<>();

    public MemoryStore(String name) {
        this.name = requireNonNull(name, "name");
        this.guard = new CloseGuard(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(String key, byte[] value) {
        StoreKeys.check(key);
        requireNonNull(value, "value");
        guard.ensureOpen();
        blobs.put(key, value.clone());
    }

    @Override
    public Optional<byte[]> get(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        return Optional.ofNullable(blobs.get(key)).map(byte[]::clone);
    }

    @Override
    public void remove(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        blobs.remove(key);
    }

    @Override
    public List<String> list(String prefix) {
        StoreKeys.checkPrefix(prefix);
        guard.ensureOpen();
        var keys = prefix.isEmpty() ? blobs.keySet() : blobs.tailMap(prefix, true).keySet();
        return keys.stream().takeWhile(key -> key.startsWith(prefix)).toList();
    }

    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "MemoryStore[" + name + "]";
    }
}
