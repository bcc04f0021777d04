package io.mcst.stores;

import java.util.List;
import java.util.Optional;

/**
 * One user's closable view of a store that several users share (for example every stack in a JVM that
 * names the same in-memory store): after {@link #close()} this view refuses every call, while the shared
 * store and its data stay open for the others.
 */
public final class SharedStoreView extends ForwardingKeyValueStore {
    private final CloseGuard guard;

    public SharedStoreView(KeyValueStore shared) {
        super(shared);
        this.guard = new CloseGuard(shared.name());
    }

    @Override
    public void put(String key, byte[] value) {
        guard.ensureOpen();
        super.put(key, value);
    }

    @Override
    public Optional<byte[]> get(String key) {
        guard.ensureOpen();
        return super.get(key);
    }

    @Override
    public void remove(String key) {
        guard.ensureOpen();
        super.remove(key);
    }

    @Override
    public List<String> list(String prefix) {
        guard.ensureOpen();
        return super.list(prefix);
    }

    /** Closes this view only; the shared store is never closed through it. */
    @Override
    public void close() {
        guard.close();
    }
}
