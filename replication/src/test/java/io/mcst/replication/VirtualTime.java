package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Virtual time for the randomized histories, so that a history is a deterministic function of its seed.
 *
 * <p>Every store call and every delay is an event in one queue ordered by virtual time, ties by creation
 * order. Exactly one thread runs at a time. A participant (a client's thread, or the driver that runs the
 * history) runs its own code until it waits: in an operation's phase ({@link Environment#await}) or between
 * operations ({@link #sleep}). The waiting thread then runs the queued events itself, store calls included,
 * until one of them may wake a participant, and hands over to it. So no thread timing enters the schedule,
 * and waiting costs no real time. A participant parked in a phase wakes after any answer to its own calls
 * and re-checks its condition; a phase deadline is a timer event.
 */
final class VirtualTime {
    /** A wait with no timer: only a crash or {@link #runClients} ending wakes it. */
    private static final long FOREVER = Long.MAX_VALUE;

    /** How calls travel: each client's link to each store, and stores that stop answering. */
    interface Links {
        /** Virtual nanoseconds until a call {@code client} sends at {@code now} lands at store {@code store}. */
        long latencyNanos(int client, int store, long now);

        /** Whether store {@code store} swallows a call landing at {@code now}: it never answers it. */
        boolean swallows(int store, long now);
    }

    /**
     * Thrown in a client's thread when the history crashes that client. An {@link Error}, so the operation
     * under way unwinds without running its failure handling, as a dead process would: it never learns
     * whether its calls landed.
     */
    static final class ClientCrash extends Error {
        ClientCrash(String client) {
            super(client + " crashed", null, false, false);
        }
    }

    private final Links links;
    private final Random random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final List<Participant> clients = new ArrayList<>();
    private final Participant driver = new Participant(-1, "driver");
    private long now;
    private long events;
    private boolean stuck;

    VirtualTime(Links links, long seed) {
        this.links = requireNonNull(links, "links");
        this.random = new Random(seed);
    }

    /** The current virtual time, in nanoseconds since the history began. */
    long now() {
        return now;
    }

    /** Events scheduled so far: store calls and timers. */
    long events() {
        return events;
    }

    /** The participant that runs the history from the test's own thread. */
    Participant driver() {
        return driver;
    }

    /** A client, numbered in order of creation; its body runs in {@link #runClients}. */
    Participant newClient() {
        Participant client = new Participant(clients.size(), "c" + clients.size());
        clients.add(client);
        return client;
    }

    /**
     * Once {@code client} has sent {@code calls} more store calls, it crashes {@code nanos} later: a crash
     * aimed at a step of an operation, e.g. while the copies of a write are in flight.
     */
    void crashAfterCalls(Participant client, int calls, long nanos) {
        client.callsBeforeCrash = calls;
        client.crashDelay = nanos;
    }

    /** Schedules the crash of {@code client} in {@code nanos}; each of its calls not yet landed then may or may not land. */
    void crashIn(Participant client, long nanos) {
        schedule(now + nanos, null, () -> {
            if (client.finished) {
                return null;
            }
            client.crashed = true;
            int landingPercent = 25 * (1 + random.nextInt(3));
            queue.stream().filter(event -> event.owner == client).sorted()
                    .forEach(event -> event.cancelled |= random.nextInt(100) >= landingPercent);
            return client.parked ? client : null;
        });
    }

    /**
     * From the driver: starts every client's body, each at its own virtual start time, and returns once all
     * of them have finished (or crashed). Failures other than a crash end up in the returned list.
     */
    List<Throwable> runClients(List<Runnable> bodies, long[] startNanos) {
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            Participant client = clients.get(i);
            Runnable body = bodies.get(i);
            client.parked = true;
            client.monitor = client.ownMonitor;
            long token = ++client.waitToken;
            schedule(startNanos[i], null, () -> client.waitToken == token ? client : null);
            Thread thread = new Thread(() -> {
                try {
                    client.waitForGrant(client.ownMonitor);
                    client.parked = false;
                    body.run();
                } catch (ClientCrash crashed) {
                    // the client died; nobody waits for it
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    finish(client);
                }
            }, "history-" + client.name);
            thread.setDaemon(true);
            thread.start();
        }
        park(driver, driver.ownMonitor, FOREVER, false);
        if (stuck) {
            failures.add(new IllegalStateException("the simulation got stuck: clients wait and nothing is queued"));
        }
        return failures;
    }

    /** From a participant: lets {@code nanos} of virtual time pass. */
    void sleep(Participant me, long nanos) {
        park(me, me.ownMonitor, nanos, false);
    }

    /** From the driver, once every client finished: runs what is still queued (stragglers, GC) to the end. */
    void drain() {
        for (Event event = queue.poll(); event != null; event = queue.poll()) {
            run(event);
        }
    }

    private void schedule(long time, Participant owner, Supplier<Participant> action) {
        queue.add(new Event(time, events++, owner, action));
    }

    /**
     * Parks the running participant {@code me}, which holds {@code monitor}'s lock if it waits in a phase:
     * runs events until one wakes somebody, hands over to that participant unless it is {@code me}, and
     * returns once {@code me} is woken. A wake by a timer at {@code nanos}, by an answer to one of its own
     * calls if {@code wakesOnCalls}, or by its crash (then it throws {@link ClientCrash}).
     */
    private void park(Participant me, Object monitor, long nanos, boolean wakesOnCalls) {
        me.monitor = monitor;
        me.parked = true;
        me.wakesOnCalls = wakesOnCalls;
        long token = ++me.waitToken;
        if (nanos != FOREVER) {
            schedule(now + Math.max(0, nanos), null, () -> me.parked && me.waitToken == token ? me : null);
        }
        Participant next = runUntilWake();
        if (next != me) {
            next.grant();
            me.waitForGrant(monitor);
        }
        me.parked = false;
        if (me.crashed) {
            throw new ClientCrash(me.name);
        }
    }

    /** A client's body ended: it hands over to whoever runs next, the driver once every client is done. */
    private void finish(Participant me) {
        me.finished = true;
        me.parked = false;
        boolean allDone = clients.stream().allMatch(client -> client.finished);
        (allDone ? driver : runUntilWake()).grant();
    }

    /**
     * Runs events until one wakes somebody. Every wait but the driver's has a timer, so the queue empties
     * only if the simulation itself is broken: then the driver wakes and {@link #runClients} fails, rather
     * than the test hanging.
     */
    private Participant runUntilWake() {
        for (Event event = queue.poll(); event != null; event = queue.poll()) {
            Participant woken = run(event);
            if (woken != null) {
                return woken;
            }
        }
        if (!driver.parked || stuck) {
            throw new IllegalStateException("the simulation is stuck: every participant waits and nothing is queued");
        }
        stuck = true;
        return driver;
    }

    private Participant run(Event event) {
        if (event.cancelled) {
            return null;
        }
        now = event.time;
        return event.action.get();
    }

    private static final class Event implements Comparable<Event> {
        private final long time;
        private final long sequence;
        private final Participant owner;
        private final Supplier<Participant> action;
        private boolean cancelled;

        Event(long time, long sequence, Participant owner, Supplier<Participant> action) {
            this.time = time;
            this.sequence = sequence;
            this.owner = owner;
            this.action = action;
        }

        @Override
        public int compareTo(Event other) {
            return time != other.time ? Long.compare(time, other.time) : Long.compare(sequence, other.sequence);
        }
    }

    /**
     * One thread of the simulation. Its fields are only touched by the thread that runs at the moment; the
     * hand-over through {@link #grant} and {@link #waitForGrant} orders those accesses.
     */
    final class Participant {
        private final int index;
        private final String name;
        private final Object ownMonitor = new Object();
        private Object monitor;
        private boolean parked;
        private boolean wakesOnCalls;
        private long waitToken;
        private boolean granted;
        private boolean crashed;
        private boolean finished;
        private int callsBeforeCrash;
        private long crashDelay;

        private Participant(int index, String name) {
            this.index = index;
            this.name = name;
        }

        String name() {
            return name;
        }

        /** Lane executors, phase clock and a seeded client id for a {@link ReplicatedStore} of this participant. */
        Environment environment() {
            return new Environment() {
                @Override
                public ExecutorService laneExecutor(int store, KeyValueStore ignored, ReplicationOptions options) {
                    return new Lane(Participant.this, store);
                }

                @Override
                public long nanoTime() {
                    return now;
                }

                @Override
                public void await(Object monitor, long nanos) {
                    park(Participant.this, monitor, nanos, true);
                }

                @Override
                public String newClientId() {
                    return HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(16)
                            .putLong(random.nextLong()).putLong(random.nextLong()).array());
                }
            };
        }

        private void grant() {
            synchronized (monitor) {
                granted = true;
                monitor.notifyAll();
            }
        }

        private void waitForGrant(Object monitor) {
            synchronized (monitor) {
                boolean interrupted = false;
                while (!granted) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the hand-over protocol must complete; keep the flag for later
                    }
                }
                granted = false;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** One client's calls to one store: each lands, runs and answers at a virtual time the links decide. */
    private final class Lane extends AbstractExecutorService {
        private final Participant owner;
        private final int store;
        private boolean shutdown;

        Lane(Participant owner, int store) {
            this.owner = owner;
            this.store = store;
        }

        @Override
        public void execute(Runnable call) {
            if (shutdown) {
                throw new RejectedExecutionException("closed");
            }
            if (owner.crashed) {
                return; // a dead client sends nothing
            }
            schedule(now + links.latencyNanos(owner.index, store, now), owner, () -> {
                if (links.swallows(store, now)) {
                    return null;
                }
                call.run();
                return owner.parked && owner.wakesOnCalls ? owner : null;
            });
            if (owner.callsBeforeCrash > 0 && --owner.callsBeforeCrash == 0) {
                crashIn(owner, owner.crashDelay);
            }
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }
    }
}
