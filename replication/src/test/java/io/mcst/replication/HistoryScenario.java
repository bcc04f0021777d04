package io.mcst.replication;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One seeded random schedule (ALGORITHM.md §9): n in {1,3,5} in-memory stores with random small delays,
 * 2–5 clients each running a few writes, removes and reads of one key, up to t stores crashing, stalling
 * or turning slow at random moments, and sometimes clients dying part-way through a write. Delays make
 * calls land after their operation returned (stragglers). Thread scheduling adds noise, so a seed fixes the
 * shape of the schedule, not every interleaving.
 */
final class HistoryScenario {
    /** How long an operation may take before the run counts it as a liveness failure. */
    private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY = "register";

    /** A finished run: the history, and anything that went wrong besides consistency. */
    record Run(long seed, String shape, List<History.Op> ops, List<String> livenessFailures, int contendedReads) {}

    /** How hostile the schedule is. */
    enum Profile {
        /** Small random delays, a tenth of calls slow, a third of histories with a client dying mid-write. */
        NORMAL(new int[] {10}, 3, 50, 1, 4),
        /**
         * Each client's link to each store is fast, sometimes slow or mostly slow, and half the histories
         * have a client dying mid-write: clients then see different quorums, and stragglers and partial
         * writes abound, which is where broken variants show.
         */
        HOSTILE(new int[] {0, 33, 90}, 2, 70, 2, 3);

        private final int[] linkSlowPercents;
        private final int clientCrashOneIn;
        private final int readPercent;
        private final int minCallsBeforeCrash;
        private final int maxCallsBeforeCrash;

        Profile(int[] linkSlowPercents, int clientCrashOneIn, int readPercent, int minCallsBeforeCrash, int maxCallsBeforeCrash) {
            this.linkSlowPercents = linkSlowPercents;
            this.clientCrashOneIn = clientCrashOneIn;
            this.readPercent = readPercent;
            this.minCallsBeforeCrash = minCallsBeforeCrash;
            this.maxCallsBeforeCrash = maxCallsBeforeCrash;
        }
    }

    private HistoryScenario() {}

    /** Erasure-coded shapes (n, t, k) with k <= n - 2t. */
    private static final int[][] ERASURE_SHAPES = {{3, 1, 1}, {4, 1, 2}, {5, 1, 3}, {5, 2, 1}, {6, 2, 2}, {7, 2, 3}};

    static Run run(long seed, Profile profile, Semantics semantics, Mutation mutation) throws Exception {
        return run(seed, profile, semantics, mutation, false);
    }

    /** With {@code erasure}, values are erasure-coded over one of {@link #ERASURE_SHAPES}. */
    static Run run(long seed, Profile profile, Semantics semantics, Mutation mutation, boolean erasure) throws Exception {
        Random random = new Random(seed);
        int[] erasureShape = ERASURE_SHAPES[random.nextInt(ERASURE_SHAPES.length)];
        int n = erasure ? erasureShape[0] : new int[] {1, 3, 5}[random.nextInt(3)];
        int t = erasure ? erasureShape[1] : (n - 1) / 2;
        int k = erasure ? erasureShape[2] : 0;
        int clients = 2 + random.nextInt(4);
        int inlineMaxBytes = random.nextBoolean() ? 0 : ReplicationOptions.DEFAULT_INLINE_MAX_BYTES;
        StringBuilder shape = new StringBuilder("seed=%d %s n=%d t=%d k=%d clients=%d %s %s inline=%d".formatted(
                seed, profile, n, t, k, clients, semantics, mutation, inlineMaxBytes));

        List<FaultInjectingStore> stores = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FaultInjectingStore store = new FaultInjectingStore(new MemoryStore("s" + i));
            store.delayRandomly(Duration.ofNanos(random.nextInt(2_000) * 1_000L), random.nextLong());
            stores.add(store);
        }
        ReplicationOptions options = ReplicationOptions.defaults()
                .withSemantics(semantics)
                .withFaultTolerance(t)
                .withDataFragments(k)
                .withInlineMaxBytes(inlineMaxBytes)
                // Broken variants may wait for answers the correct one would not need: judge only their safety.
                .withPhaseTimeout(mutation == Mutation.NONE ? LIVENESS_TIMEOUT : Duration.ofSeconds(2))
                .withQueuePerStore(2, 256);

        // Up to t stores fail at a random moment: crash, stall forever, or turn very slow.
        List<Runnable> storeFaults = new ArrayList<>();
        List<Integer> faultyStores = new ArrayList<>();
        int faulty = random.nextInt(t + 1);
        for (int f = 0; f < faulty; f++) {
            int index = random.nextInt(n);
            if (faultyStores.contains(index)) {
                continue;
            }
            faultyStores.add(index);
            FaultInjectingStore store = stores.get(index);
            int afterMillis = random.nextInt(15);
            int kind = random.nextInt(3);
            shape.append(" store s%d %s at %dms".formatted(index, new String[] {"crashes", "stalls", "slows"}[kind], afterMillis));
            storeFaults.add(() -> {
                sleep(afterMillis);
                switch (kind) {
                    case 0 -> store.crash();
                    case 1 -> store.stall();
                    default -> store.delay(Duration.ofMillis(10));
                }
            });
        }

        History history = new History();
        List<ReplicatedStore> replicated = new ArrayList<>();
        List<Runnable> clientRuns = new ArrayList<>();
        List<String> livenessFailures = new ArrayList<>();
        AtomicInteger contendedReads = new AtomicInteger();
        // Completes when the dying client starts its last write; until then it must be as live as the others.
        CompletableFuture<Void> crashing = new CompletableFuture<>();
        boolean clientDies = false;
        for (int c = 0; c < clients; c++) {
            List<ClientView> views = new ArrayList<>();
            for (FaultInjectingStore store : stores) {
                int slowPercent = profile.linkSlowPercents[random.nextInt(profile.linkSlowPercents.length)];
                views.add(new ClientView(store, slowPercent, random.nextLong()));
            }
            ReplicatedStore client = new ReplicatedStore(views, options, mutation);
            replicated.add(client);
            int client1 = c;
            int ops = 2 + random.nextInt(4);
            // Some histories have a client that dies during one of its writes. Per store, the calls that still
            // reach it: 2 = the collect step only, 3 = also the temporary copy, 4 = also the eternal copy.
            // Independent per store, so the temporary copy may land at fewer than a quorum.
            int crashAt = c == 0 && random.nextInt(profile.clientCrashOneIn) == 0 ? random.nextInt(ops) : -1;
            int[] callsBeforeCrash = random.ints(n, profile.minCallsBeforeCrash, profile.maxCallsBeforeCrash + 1).toArray();
            if (crashAt >= 0) {
                clientDies = true;
                shape.append(" client c0 dies in op %d, calls reaching each store %s".formatted(crashAt, java.util.Arrays.toString(callsBeforeCrash)));
            }
            long clientSeed = random.nextLong();
            clientRuns.add(() -> {
                Random choices = new Random(clientSeed);
                for (int op = 0; op < ops; op++) {
                    sleep(choices.nextInt(3));
                    if (op == crashAt) {
                        for (int i = 0; i < n; i++) {
                            views.get(i).crashAfter(callsBeforeCrash[i]);
                        }
                        String value = "c" + client1 + "-" + op;
                        history.abandonedWrite(client1, client.clientId(), value);
                        crashing.complete(null);
                        try {
                            client.write(KEY, Kind.VALUE, utf8(value));
                        } catch (RuntimeException expected) {
                            // the client died; nobody waits for it
                        }
                        return;
                    }
                    int choice = choices.nextInt(100);
                    int writePercent = 100 - profile.readPercent;
                    try {
                        if (choice < writePercent * 4 / 5) {
                            String value = "c" + client1 + "-" + op;
                            history.write(client1, client.clientId(), value, () -> client.write(KEY, Kind.VALUE, utf8(value)));
                        } else if (choice < writePercent) {
                            history.write(client1, client.clientId(), null, () -> client.write(KEY, Kind.TOMBSTONE, new byte[0]));
                        } else {
                            history.read(client1, client.clientId(), () -> client.read(KEY));
                        }
                    } catch (ContentionException e) {
                        contendedReads.incrementAndGet();
                    } catch (RuntimeException e) {
                        synchronized (livenessFailures) {
                            livenessFailures.add("client c" + client1 + " op " + op + ": " + e);
                        }
                    }
                }
            });
        }

        ExecutorService threads = Executors.newFixedThreadPool(clients + storeFaults.size());
        try {
            storeFaults.forEach(threads::submit);
            List<Future<?>> running = new ArrayList<>(clientRuns.stream().<Future<?>>map(threads::submit).toList());
            if (clientDies) {
                running.set(0, crashing); // c0 dies in its crash op: wait only until it got there
            }
            for (Future<?> client : running) {
                try {
                    client.get(LIVENESS_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    livenessFailures.add("a client did not finish within " + LIVENESS_TIMEOUT.multipliedBy(3));
                }
            }
        } finally {
            threads.shutdownNow();
            stores.forEach(FaultInjectingStore::heal);
            replicated.forEach(ReplicatedStore::close);
            stores.forEach(KeyValueStore::close);
        }
        return new Run(seed, shape.toString(), history.ops(), livenessFailures, contendedReads.get());
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis, ThreadLocalRandom.current().nextInt(1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
