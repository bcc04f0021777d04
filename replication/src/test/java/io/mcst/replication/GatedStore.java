package io.mcst.replication;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One client's connection to a shared store whose calls a test holds and releases, to build a schedule by
 * hand (stragglers, late lists) that no thread timing decides. Closing it leaves the shared store open.
 */
final class GatedStore extends ForwardingKeyValueStore {
    /** One call to the store: {@code op} is put, get, remove or list; {@code key} the key or prefix. */
    record Call(String op, String key) {}

    /** Holds the matching calls until {@link #open}; tells when the first arrived. */
    static final class Gate {
        private final Predicate<Call> matches;
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch opened = new CountDownLatch(1);

        private Gate(Predicate<Call> matches) {
            this.matches = matches;
        }

        void open() {
            opened.countDown();
        }

        /** Waits until a matching call is held here (or passed, if the gate is open). */
        void awaitArrived() throws InterruptedException {
            if (!arrived.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("no call arrived at the gate");
            }
        }
    }

    private final List<Gate> gates = new CopyOnWriteArrayList<>();
    private final List<Call> done = new ArrayList<>();
    private final List<String> held = new CopyOnWriteArrayList<>();

    GatedStore(KeyValueStore shared) {
        super(shared);
    }

    /** Holds every later {@code op} call whose key matches, until the returned gate opens. */
    Gate hold(String op, Predicate<String> key) {
        Gate gate = new Gate(call -> call.op().equals(op) && key.test(call.key()));
        gates.add(gate);
        return gate;
    }

    /** Opens every gate, so held calls finish. */
    void openAll() {
        gates.forEach(Gate::open);
    }

    /**
     * Waits up to {@code timeout} until a call matching {@code op} and {@code key} completed; false if none did.
     * A short timeout is for a call the schedule allows but the algorithm may never make.
     */
    synchronized boolean awaitDone(String op, Predicate<String> key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done.stream().noneMatch(call -> call.op().equals(op) && key.test(call.key()))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** The keys of the calls held at a gate now, one entry per call. */
    List<String> held() {
        return List.copyOf(held);
    }

    private <T> T pass(Call call, Supplier<T> forward) {
        for (Gate gate : gates) {
            if (gate.matches.test(call)) {
                held.add(call.key());
                gate.arrived.countDown();
                try {
                    gate.opened.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("held " + call + " at store '" + name() + "' interrupted", e);
                } finally {
                    held.remove(call.key());
                }
            }
        }
        T result = forward.get();
        synchronized (this) {
            done.add(call);
            notifyAll();
        }
        return result;
    }

    @Override
    public void put(String key, byte[] value) {
        pass(new Call("put", key), () -> {
            super.put(key, value);
            return null;
        });
    }

    @Override
    public Optional<byte[]> get(String key) {
        return pass(new Call("get", key), () -> super.get(key));
    }

    @Override
    public void remove(String key) {
        pass(new Call("remove", key), () -> {
            super.remove(key);
            return null;
        });
    }

    @Override
    public List<String> list(String prefix) {
        return pass(new Call("list", prefix), () -> super.list(prefix));
    }

    @Override
    public void close() {
        // the shared store outlives each client
    }
}
