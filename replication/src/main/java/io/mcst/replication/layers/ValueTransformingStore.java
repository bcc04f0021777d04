package io.mcst.replication.layers;

import io.mcst.replication.Fence;
import io.mcst.replication.FencedStore;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import java.util.Optional;

/**
 * A layer above replication that turns each value into the blob stored under the same key and back
 * (compression, encryption). It forwards fenced writes and takeovers to the replicated store below with the
 * value transformed, so a transforming layer keeps the single-writer guarantee of the store it wraps.
 */
public abstract class ValueTransformingStore extends ForwardingKeyValueStore implements FencedStore {
    protected ValueTransformingStore(KeyValueStore delegate) {
        super(delegate);
    }

    /** The blob stored for {@code value} under {@code key}. */
    protected abstract byte[] encode(String key, byte[] value);

    /** The value {@code blob} read from {@code key} holds; a blob this layer did not write is corrupt. */
    protected abstract byte[] decode(String key, byte[] blob);

    @Override
    public final void put(String key, byte[] value) {
        super.put(key, encode(key, value));
    }

    @Override
    public final Optional<byte[]> get(String key) {
        return super.get(key).map(blob -> decode(key, blob));
    }

    @Override
    public final Fence takeover(String key) {
        Fence fence = FencedStore.of(delegate()).takeover(key);
        return fence.withValue(fence.value().map(blob -> decode(key, blob)));
    }

    @Override
    public final void putFenced(String key, byte[] value, Fence fence) {
        FencedStore.of(delegate()).putFenced(key, encode(key, value), fence);
    }

    @Override
    public final void removeFenced(String key, Fence fence) {
        FencedStore.of(delegate()).removeFenced(key, fence);
    }
}
