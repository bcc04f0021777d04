package io.mcst.replication.layers.faults;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A store that misbehaves on demand, for tests, demos and benchmarks: faults switch at run time and apply
 * to every call from then on. Randomness is seeded, so a failing schedule can be replayed.
 *
 * <ul>
 *   <li>{@link #crash()}: every call fails with {@link StoreUnavailableException}.
 *   <li>{@link #stall()}: calls block until {@link #heal()} or {@link #close()} (or their thread is
 *       interrupted): a store that never answers.
 *   <li>{@link #delay(Duration)} / {@link #delayRandomly(Duration, long)}: calls answer late.
 *   <li>{@link #flaky(double, long)}: a fraction of calls fail with {@link StoreUnavailableException}.
 *   <li>{@link #corrupt(long)}: values read come back with one byte flipped.
 *   <li>{@link #heal()}: back to the wrapped store's behaviour.
 * </ul>
 */
public final class FaultInjectingStore extends ForwardingKeyValueStore {
    private enum Mode { HEALTHY, CRASHED, STALLED, DELAYED, FLAKY, CORRUPT }

    private Mode mode = Mode.HEALTHY;
    private Duration delay = Duration.ZERO;
    private boolean randomDelay;
    private double failFraction;
    private Random random = new Random(0);
    private boolean closed;

    public FaultInjectingStore(KeyValueStore delegate) {
        super(delegate);
    }

    public synchronized void crash() {
        set(Mode.CRASHED);
    }

    public synchronized void stall() {
        set(Mode.STALLED);
    }

    public synchronized void delay(Duration fixed) {
        requireNonNull(fixed, "fixed");
        set(Mode.DELAYED);
        delay = fixed;
        randomDelay = false;
    }

    /** Delays each call by a uniformly random time up to {@code max}. */
    public synchronized void delayRandomly(Duration max, long seed) {
        requireNonNull(max, "max");
        set(Mode.DELAYED);
        delay = max;
        randomDelay = true;
        random = new Random(seed);
    }

    public synchronized void flaky(double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction of failing calls must be in [0, 1]: " + fraction);
        }
        set(Mode.FLAKY);
        failFraction = fraction;
        random = new Random(seed);
    }

    public synchronized void corrupt(long seed) {
        set(Mode.CORRUPT);
        random = new Random(seed);
    }

    public synchronized void heal() {
        set(Mode.HEALTHY);
    }

    private void set(Mode next) {
        mode = next;
        notifyAll(); // releases stalled calls
    }

    @Override
    public void put(String key, byte[] value) {
        beforeCall("put " + key);
        super.put(key, value);
    }

    @Override
    public Optional<byte[]> get(String key) {
        beforeCall("get " + key);
        Optional<byte[]> value = super.get(key);
        synchronized (this) {
            if (mode == Mode.CORRUPT && value.isPresent() && value.get().length > 0) {
                byte[] bytes = value.get();
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
            }
        }
        return value;
    }

    @Override
    public void remove(String key) {
        beforeCall("remove " + key);
        super.remove(key);
    }

    @Override
    public List<String> list(String prefix) {
        beforeCall("list " + prefix);
        return super.list(prefix);
    }

    /** Releases stalled calls (they fail) and closes the wrapped store. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        super.close();
    }

    private void beforeCall(String call) {
        long sleepNanos;
        synchronized (this) {
            while (mode == Mode.STALLED && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure(() -> "stalled call interrupted: " + call);
                }
            }
            switch (mode) {
                case CRASHED -> throw failure(() -> "injected crash: " + call);
                case FLAKY -> {
                    if (random.nextDouble() < failFraction) {
                        throw failure(() -> "injected transient failure: " + call);
                    }
                }
                default -> {
                    // no failure to inject
                }
            }
            sleepNanos = mode != Mode.DELAYED ? 0
                    : randomDelay ? (long) (random.nextDouble() * delay.toNanos()) : delay.toNanos();
        }
        if (sleepNanos > 0) {
            try {
                Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(() -> "delayed call interrupted: " + call);
            }
        }
    }

    private StoreUnavailableException failure(Supplier<String> why) {
        return new StoreUnavailableException("store '" + name() + "': " + why.get());
    }
}
