package io.mcst.connector.sink;

import io.mcst.replication.Fence;
import io.mcst.replication.FencedStore;
import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * Fails puts of the keys a test chooses, or every read, as a stack does when fewer than n - t stores answer; holds
 * puts of chosen keys until released, as a slow upload does; records the keys put.
 */
final class SwitchableStore extends ForwardingKeyValueStore implements FencedStore {
    private volatile Predicate<String> failingPuts = key -> false;
    private volatile boolean failGets;
    private volatile Predicate<String> heldPuts = key -> false;
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final Queue<String> putKeys = new ConcurrentLinkedQueue<>();

    SwitchableStore(FencedStore delegate) {
        super(delegate);
    }

    /** A replicated store over one memory store: what the sink writes through, with the layout of a real stack. */
    static ReplicatedStore replicatedMemory() {
        return new ReplicatedStore(List.of(new MemoryStore("memory")), ReplicationOptions.defaults());
    }

    void failPuts(Predicate<String> keys) {
        failingPuts = keys;
    }

    void failGets(boolean fail) {
        failGets = fail;
    }

    /** Puts of {@code keys} wait (before reaching the store) until {@link #release}. */
    void hold(Predicate<String> keys) {
        release = new CountDownLatch(1);
        heldPuts = keys;
    }

    void release() {
        heldPuts = key -> false;
        release.countDown();
    }

    /** How many puts of {@code keys} reached the store. */
    long puts(Predicate<String> keys) {
        return putKeys.stream().filter(keys).count();
    }

    void heal() {
        failingPuts = key -> false;
        failGets = false;
    }

    @Override
    public void put(String key, byte[] value) {
        checkPut(key);
        super.put(key, value);
    }

    @Override
    public void putFenced(String key, byte[] value, Fence fence) {
        checkPut(key);
        FencedStore.of(delegate()).putFenced(key, value, fence);
    }

    @Override
    public void removeFenced(String key, Fence fence) {
        FencedStore.of(delegate()).removeFenced(key, fence);
    }

    @Override
    public Optional<byte[]> get(String key) {
        checkGet(key);
        return super.get(key);
    }

    @Override
    public Fence takeover(String key) {
        checkGet(key);
        return FencedStore.of(delegate()).takeover(key);
    }

    private void checkPut(String key) {
        if (heldPuts.test(key)) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("test: held put of " + key + " interrupted");
            }
        }
        if (failingPuts.test(key)) {
            throw new StoreUnavailableException("test: no quorum for put " + key);
        }
        putKeys.add(key);
    }

    private void checkGet(String key) {
        if (failGets) {
            throw new StoreUnavailableException("test: no quorum for get " + key);
        }
    }

    @Override
    public void close() {
        // the test owns the wrapped store and reads it after the task stops
    }
}
