package io.mcst.replication;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One base store of a virtual-time history, shared by all clients: fails every call once crashed, and
 * watches the invariant the GC rule guarantees (docs/algorithm.md, Write and Erasure coding): the highest timestamp
 * it lists for the register never decreases.
 */
final class SimulatedStore extends ForwardingKeyValueStore {
    private final LongSupplier clock;
    private final String registerPrefix;
    private final List<String> decreases = new ArrayList<>();
    private long crashedAt = Long.MAX_VALUE;
    private Timestamp highest = Timestamp.ZERO;

    SimulatedStore(String name, String register, LongSupplier clock) {
        super(new MemoryStore(name));
        this.clock = clock;
        this.registerPrefix = KeyLayout.registerPrefix(KeyLayout.escape(register));
    }

    /** From virtual time {@code nanos} on, every call fails. */
    void crashAt(long nanos) {
        crashedAt = nanos;
    }

    /** Each time the highest listed timestamp went down: the call that did it, and the two timestamps. */
    List<String> decreases() {
        return List.copyOf(decreases);
    }

    @Override
    public void put(String key, byte[] value) {
        reach("put " + key);
        super.put(key, value);
        watch("put " + key);
    }

    @Override
    public Optional<byte[]> get(String key) {
        reach("get " + key);
        return super.get(key);
    }

    @Override
    public void remove(String key) {
        reach("remove " + key);
        super.remove(key);
        watch("remove " + key);
    }

    @Override
    public List<String> list(String prefix) {
        reach("list " + prefix);
        return super.list(prefix);
    }

    /** The register's versions this store holds (temporary keys, markers), read past any injected fault. */
    List<KeyLayout.Listed> versions() {
        return super.list(registerPrefix).stream().flatMap(key -> KeyLayout.parse(key).stream()).toList();
    }

    @Override
    public void close() {
        // the store outlives each client that closes it
    }

    private void reach(String call) {
        if (clock.getAsLong() >= crashedAt) {
            throw new StoreUnavailableException("store '" + name() + "' crashed: " + call);
        }
    }

    private void watch(String call) {
        Timestamp now = versions().stream()
                .map(KeyLayout.Listed::ts)
                .max(Timestamp::compareTo)
                .orElse(Timestamp.ZERO);
        if (now.compareTo(highest) < 0) {
            decreases.add("%s at %dns: %s took the highest listed timestamp from %s down to %s"
                    .formatted(name(), clock.getAsLong(), call, highest, now));
        }
        highest = now;
    }
}
