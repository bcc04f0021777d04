package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.CloseGuard;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreKeys;
import java.util.List;
import java.util.Optional;

/**
 * A store that takes every write and keeps nothing, as if each blob were lost at once: for measuring the
 * heap of a writer (the sink) without the archive the in-memory stores would otherwise hold on the same heap.
 */
final class DiscardingStore implements KeyValueStore {
    private final String name;
    private final CloseGuard guard;

    DiscardingStore(String name) {
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
    }

    @Override
    public Optional<byte[]> get(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        return Optional.empty();
    }

    @Override
    public void remove(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
    }

    @Override
    public List<String> list(String prefix) {
        StoreKeys.checkPrefix(prefix);
        guard.ensureOpen();
        return List.of();
    }

    @Override
    public void close() {
        guard.close();
    }
}
