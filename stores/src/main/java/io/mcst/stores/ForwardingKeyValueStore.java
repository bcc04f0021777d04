package io.mcst.stores;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The base of every layer: forwards each call to the wrapped store, so a layer overrides only the calls it
 * changes (as OpenDAL's {@code LayeredAccessor} does). {@link #name()} is the inner store's, so errors and
 * metrics keep naming the cloud.
 */
public abstract class ForwardingKeyValueStore implements KeyValueStore {
    private final KeyValueStore delegate;

    protected ForwardingKeyValueStore(KeyValueStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    protected final KeyValueStore delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void put(String key, byte[] value) {
        delegate.put(key, value);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return delegate.get(key);
    }

    @Override
    public void remove(String key) {
        delegate.remove(key);
    }

    @Override
    public List<String> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
