package io.mcst.replication;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One client's connection to a shared store: closing it leaves the store open for the other clients. Its
 * link to the store is sometimes slow: a few calls take several milliseconds longer, so their effects land
 * well after their operation returned (stragglers). (The randomized histories model links and client
 * crashes on virtual time instead: {@link VirtualTime}.)
 */
final class ClientView extends ForwardingKeyValueStore {
    private static final int SLOW_CALL_MAX_MILLIS = 15;

    private final int slowCallsPercent;
    private final Random link;

    /** {@code slowCallsPercent} of calls take up to 15 ms longer, chosen by a {@code seed}ed random. */
    ClientView(KeyValueStore shared, int slowCallsPercent, long seed) {
        super(shared);
        this.slowCallsPercent = slowCallsPercent;
        this.link = new Random(seed);
    }

    private void reach(String call) {
        int slowMillis;
        synchronized (link) {
            slowMillis = link.nextInt(100) < slowCallsPercent ? 1 + link.nextInt(SLOW_CALL_MAX_MILLIS) : 0;
        }
        if (slowMillis > 0) {
            try {
                Thread.sleep(slowMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("client stopped while calling store '" + name() + "'", e);
            }
        }
    }

    @Override
    public void put(String key, byte[] value) {
        reach("put " + key);
        super.put(key, value);
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
    }

    @Override
    public List<String> list(String prefix) {
        reach("list " + prefix);
        return super.list(prefix);
    }

    @Override
    public void close() {
        // the shared store outlives each client
    }
}
