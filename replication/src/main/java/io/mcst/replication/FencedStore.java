package io.mcst.replication;

import io.mcst.stores.KeyValueStore;

/**
 * A store whose writes can be fenced (docs/algorithm.md, Fencing): {@link ReplicatedStore}, and each layer above
 * it, which encodes a fenced value on its way down as it encodes any value, and decodes the value a takeover read
 * on its way up. The sink takes each partition's index register over and writes the partition's segments and
 * index with that fence, so a task that lost the partition cannot overwrite what its new owner wrote.
 */
public interface FencedStore extends KeyValueStore {
    /** See {@link ReplicatedStore#takeover}; the fence's value is as this store's {@link #get} would return it. */
    Fence takeover(String key);

    /** See {@link ReplicatedStore#putFenced}; {@code value} as this store's {@link #put} takes it. */
    void putFenced(String key, byte[] value, Fence fence);

    /** See {@link ReplicatedStore#removeFenced}. */
    void removeFenced(String key, Fence fence);

    /**
     * {@code store} as a fenced store, for a layer above replication.
     *
     * @throws UnsupportedOperationException naming the store if it is not one (not above a {@link ReplicatedStore})
     */
    static FencedStore of(KeyValueStore store) {
        if (store instanceof FencedStore fenced) {
            return fenced;
        }
        throw new UnsupportedOperationException("writes to " + store + " cannot be fenced: it is not a replicated "
                + "store or a layer above one");
    }
}
