package io.mcst.replication.layers.health;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the n base stores of one replicated store are up, told as transitions rather than per call: a
 * store goes down after {@value #FAILURES_TO_DOWN} calls in a row failed, which is one WARN line; it is
 * back at its first call that succeeds, which is one INFO line. Each line names the store and what its
 * state means for the quorum. Each failed call is logged at DEBUG only.
 *
 * <p>A call that began before the store's last transition does not count: the answers of calls already
 * in flight when a store came back (or went down) would otherwise flip it straight back.
 *
 * <p>Failing means a {@link StoreException}: no answer, or an answer that refuses the call (credentials, a
 * missing bucket). A corrupt answer is an answer, and a caller's mistake (a bad key) is not the store's.
 */
public final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);
    /** Calls in a row that fail before a store is down: one failure the retry layer could not absorb is not an outage. */
    static final int FAILURES_TO_DOWN = 3;

    private final int stores;
    private final int quorum;
    /** By store name; guarded by this. */
    private final Map<String, State> states = new HashMap<>();

    /** Tells a store's transitions, e.g. to a metric: {@code true} once it is back, {@code false} once it is down. */
    @FunctionalInterface
    public interface Listener {
        void changed(boolean up);
    }

    /** The health of {@code stores} base stores, of which operations need {@code quorum} to answer. */
    public StoreHealth(int stores, int quorum) {
        if (stores < 1 || quorum < 1 || quorum > stores) {
            throw new IllegalArgumentException("a quorum of " + quorum + " out of " + stores + " stores");
        }
        this.stores = stores;
        this.quorum = quorum;
    }

    /**
     * {@code store}, whose calls now count towards its health, which starts up; {@code listener} hears its
     * transitions. Each of the n stores is tracked once.
     */
    public synchronized KeyValueStore track(KeyValueStore store, Listener listener) {
        requireNonNull(store, "store");
        requireNonNull(listener, "listener");
        if (states.size() == stores || states.containsKey(store.name())) {
            throw new IllegalStateException("store '" + store.name() + "' cannot be tracked: " + states.keySet()
                    + " are, of " + stores);
        }
        states.put(store.name(), new State(listener));
        return new Tracked(store);
    }

    /** How many of the tracked stores are up. */
    public synchronized int storesUp() {
        return (int) states.values().stream().filter(state -> state.up).count();
    }

    private synchronized long epoch(String store) {
        return states.get(store).epoch;
    }

    private synchronized void answered(String store, long since) {
        State state = states.get(store);
        if (state.epoch != since) {
            return;
        }
        state.failuresInARow = 0;
        if (!state.up) {
            state.turn(true);
            int up = storesUp();
            LOG.info("store '{}' is back: {} of {} stores answer, {}", store, up, stores,
                    up > quorum ? "quorum " + quorum + " holds"
                            : up == quorum ? "quorum " + quorum + " holds again; reads and writes resume"
                            : "quorum " + quorum + " is still lost; reads and writes cannot complete until another store answers");
        }
    }

    private synchronized void failed(String store, long since, StoreException e) {
        LOG.debug("store '{}' failed a call: {}", store, e.getMessage());
        State state = states.get(store);
        if (state.epoch != since || !state.up || ++state.failuresInARow < FAILURES_TO_DOWN) {
            return;
        }
        state.turn(false);
        int up = storesUp();
        LOG.warn("store '{}' is down: {} of {} stores answer, {}. Its last error: {}", store, up, stores,
                up >= quorum ? "quorum " + quorum + " holds; reads and writes continue"
                        : "quorum " + quorum + " is lost; reads and writes cannot complete until another store answers",
                e.getMessage());
    }

    /** One store's health; guarded by the enclosing {@link StoreHealth}. */
    private static final class State {
        final Listener listener;
        boolean up = true;
        /** Counts the transitions: a call's answer counts only if none happened while it ran. */
        long epoch;
        int failuresInARow;

        State(Listener listener) {
            this.listener = listener;
        }

        void turn(boolean up) {
            this.up = up;
            epoch++;
            failuresInARow = 0;
            listener.changed(up);
        }
    }

    /** A tracked store: each call's outcome goes to the health of its store. */
    private final class Tracked extends ForwardingKeyValueStore {
        Tracked(KeyValueStore delegate) {
            super(delegate);
        }

        @Override
        public void put(String key, byte[] value) {
            observe(() -> {
                super.put(key, value);
                return null;
            });
        }

        @Override
        public Optional<byte[]> get(String key) {
            return observe(() -> super.get(key));
        }

        @Override
        public void remove(String key) {
            observe(() -> {
                super.remove(key);
                return null;
            });
        }

        @Override
        public List<String> list(String prefix) {
            return observe(() -> super.list(prefix));
        }

        private <T> T observe(Supplier<T> call) {
            long since = epoch(name());
            T result;
            try {
                result = call.get();
            } catch (StoreCorruptionException corrupt) {
                answered(name(), since);
                throw corrupt;
            } catch (StoreException e) {
                failed(name(), since, e);
                throw e;
            }
            answered(name(), since);
            return result;
        }
    }
}
