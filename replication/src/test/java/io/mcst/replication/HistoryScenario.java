package io.mcst.replication;

import io.mcst.replication.VirtualTime.Participant;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

/**
 * One seeded random schedule (docs/algorithm.md, Testing) on {@link VirtualTime}, so the history is a
 * deterministic function of its seed and a failing seed replays exactly: n in {1,3,5} stores (erasure-coded: one of
 * {@link #ERASURE_SHAPES}), 2–5 clients each running a few writes, removes and reads of one key over links
 * with random latencies, up to t stores crashing, stalling or turning slow at random moments, and in many
 * histories several clients crashing, mostly mid-write: a crashed client's calls still in flight may or
 * may not land. Latencies make calls land long after their operation returned (stragglers). Once every
 * client is done, a fresh client reads the register while stragglers still land: that quiescent read must
 * succeed, since no write completes during it. Once everything landed, that client writes once more, and
 * after its GC no store still answering may hold a version older than that write.
 */
final class HistoryScenario {
    /** Runs only this seed in each randomized test, e.g. {@code -Dmcst.history.seed=1234}: it replays that schedule. */
    static final String REPLAY_PROPERTY = "mcst.history.seed";
    /** How long a phase may wait, in virtual time, before the run counts a liveness failure. */
    static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(60);
    static final String KEY = "register";
    static final long MILLIS = 1_000_000;

    /**
     * A finished run.
     *
     * @param ops the history, the quiescent read last
     * @param livenessFailures operations that failed other than by contention or a client crash
     * @param contendedReads reads that gave up under contention (not counting the quiescent read)
     * @param quiescentReadGaveUp the final read, with no write in progress, gave up as if contended
     * @param listedDecreases each time a store's highest listed timestamp went down
     * @param leftovers versions older than a final solo write that its GC left at a store still answering
     * @param events store calls and timers the history scheduled
     */
    record Run(long seed, Semantics semantics, String shape, List<History.Op> ops, List<String> livenessFailures, int contendedReads,
               boolean quiescentReadGaveUp, List<String> listedDecreases, List<String> leftovers, long events) {}

    /** How hostile the schedule is. */
    enum Profile {
        /** A tenth of calls slow; a third of the histories have one or two clients crashing. */
        NORMAL(new int[] {10}, 3, 1, 2, 50),
        /**
         * Each client's link to each store is fast, sometimes slow or mostly slow, and half the histories
         * have up to three clients crashing: clients then see different quorums, and stragglers and
         * partial writes abound, which is where broken variants show.
         */
        HOSTILE(new int[] {0, 33, 90}, 2, 1, 3, 70),
        /**
         * Every history has two to four clients crashing (all of them if fewer), mostly while their copies
         * are in flight, over mostly fast links and with few reads: partial versions of crashed writers pile
         * up above the last completed write, which is where a read rule that trusts what is listed stalls or
         * goes stale.
         */
        CRASHING(new int[] {0, 10}, 1, 2, 4, 30);

        private final int[] linkSlowPercents;
        private final int clientCrashesOneIn;
        private final int minCrashingClients;
        private final int maxCrashingClients;
        private final int readPercent;

        Profile(int[] linkSlowPercents, int clientCrashesOneIn, int minCrashingClients, int maxCrashingClients, int readPercent) {
            this.linkSlowPercents = linkSlowPercents;
            this.clientCrashesOneIn = clientCrashesOneIn;
            this.minCrashingClients = minCrashingClients;
            this.maxCrashingClients = maxCrashingClients;
            this.readPercent = readPercent;
        }
    }

    /** Erasure-coded shapes (n, t, k) with k <= n - 2t. */
    private static final int[][] ERASURE_SHAPES = {{3, 1, 1}, {4, 1, 2}, {5, 1, 3}, {5, 2, 1}, {6, 2, 2}, {7, 2, 3}};

    private HistoryScenario() {}

    /** The seeds 1..count, or only the seed {@value #REPLAY_PROPERTY} names. */
    static long[] seeds(int count) {
        String replay = System.getProperty(REPLAY_PROPERTY);
        return replay == null || replay.isBlank() ? LongStream.rangeClosed(1, count).toArray() : new long[] {Long.parseLong(replay.trim())};
    }

    static Run run(long seed, Profile profile, Semantics semantics, Mutation mutation) {
        return run(seed, profile, semantics, mutation, false);
    }

    /** With {@code erasure}, values are erasure-coded over one of {@link #ERASURE_SHAPES}. */
    static Run run(long seed, Profile profile, Semantics semantics, Mutation mutation, boolean erasure) {
        Random random = new Random(seed);
        int[] erasureShape = ERASURE_SHAPES[random.nextInt(ERASURE_SHAPES.length)];
        int n = erasure ? erasureShape[0] : new int[] {1, 3, 5}[random.nextInt(3)];
        int t = erasure ? erasureShape[1] : (n - 1) / 2;
        int k = erasure ? erasureShape[2] : 0;
        int clients = 2 + random.nextInt(4);
        int inlineMaxBytes = random.nextBoolean() ? 0 : ReplicationOptions.DEFAULT_INLINE_MAX_BYTES;
        StringBuilder shape = new StringBuilder("seed=%d %s n=%d t=%d k=%d clients=%d %s %s inline=%d".formatted(
                seed, profile, n, t, k, clients, semantics, mutation, inlineMaxBytes));

        Cluster cluster = Cluster.faulty(random, profile, n, t, clients, shape);
        VirtualTime time = cluster.time();
        List<SimulatedStore> stores = cluster.stores();

        ReplicationOptions options = ReplicationOptions.defaults()
                .withSemantics(semantics)
                .withFaultTolerance(t)
                .withDataFragments(k)
                .withInlineMaxBytes(inlineMaxBytes)
                .withPhaseTimeout(LIVENESS_TIMEOUT);

        // Some clients crash: at a random moment after one of their writes began, mostly while it runs.
        List<Integer> crashingClients = new ArrayList<>();
        if (random.nextInt(profile.clientCrashesOneIn) == 0) {
            int least = Math.min(profile.minCrashingClients, clients);
            int count = least + random.nextInt(Math.min(profile.maxCrashingClients, clients) - least + 1);
            while (crashingClients.size() < count) {
                int c = random.nextInt(clients);
                if (!crashingClients.contains(c)) {
                    crashingClients.add(c);
                }
            }
        }

        History history = new History();
        List<ReplicatedStore> replicated = new ArrayList<>();
        List<Runnable> bodies = new ArrayList<>();
        List<String> livenessFailures = new ArrayList<>();
        AtomicInteger contendedReads = new AtomicInteger();
        long[] starts = new long[clients];
        for (int c = 0; c < clients; c++) {
            Participant me = time.newClient();
            ReplicatedStore client = new ReplicatedStore(stores, options, mutation, me.environment());
            replicated.add(client);
            int index = c;
            int ops = 2 + random.nextInt(4);
            // Half the crashes hit a client's last write, where no later write of its own supersedes it. Half
            // come a random time into the write; half soon after it sent a number of its 4n calls (2n to
            // collect, n copies, n eternal copies), often while its copies are in flight, so that only some land.
            boolean crashing = crashingClients.contains(c);
            boolean lastWrite = profile == Profile.CRASHING || random.nextBoolean();
            int crashAt = !crashing ? -1 : lastWrite ? ops - 1 : random.nextInt(ops);
            boolean afterCalls = profile == Profile.CRASHING || random.nextBoolean();
            boolean amidCopies = profile == Profile.CRASHING || random.nextBoolean();
            int crashCalls = amidCopies ? 2 * n + 1 + random.nextInt(n) : 1 + random.nextInt(4 * n);
            long crashDelay = afterCalls
                    ? random.nextInt((int) MILLIS / (profile == Profile.CRASHING ? 10 : 2))
                    : random.nextInt(6) * MILLIS + random.nextInt((int) MILLIS);
            if (crashAt >= 0) {
                shape.append(afterCalls
                        ? " c%d crashes %dus after %d calls of op %d".formatted(c, crashDelay / 1000, crashCalls, crashAt)
                        : " c%d crashes %dus into op %d".formatted(c, crashDelay / 1000, crashAt));
            }
            starts[c] = random.nextInt((int) MILLIS);
            long clientSeed = random.nextLong();
            bodies.add(() -> {
                Random choices = new Random(clientSeed);
                for (int op = 0; op < ops; op++) {
                    time.sleep(me, choices.nextInt(3 * (int) MILLIS));
                    int choice = choices.nextInt(100);
                    int writePercent = 100 - profile.readPercent;
                    if (op == crashAt) {
                        if (afterCalls) {
                            time.crashAfterCalls(me, crashCalls, crashDelay);
                        } else {
                            time.crashIn(me, crashDelay);
                        }
                        choice = 0; // a write: the crash leaves it partial
                    }
                    try {
                        if (choice < writePercent * 4 / 5) {
                            String value = "c" + index + "-" + op;
                            history.write(index, client.clientId(), value, () -> client.write(KEY, Kind.VALUE, utf8(value)));
                        } else if (choice < writePercent) {
                            history.write(index, client.clientId(), null, () -> client.write(KEY, Kind.TOMBSTONE, new byte[0]));
                        } else {
                            history.read(index, client.clientId(), () -> client.read(KEY));
                        }
                    } catch (ContentionException e) {
                        contendedReads.incrementAndGet();
                    } catch (RuntimeException e) {
                        livenessFailures.add("client c" + index + " op " + op + ": " + e);
                    }
                }
            });
        }
        ReplicatedStore reader = new ReplicatedStore(stores, options, mutation, time.driver().environment());
        replicated.add(reader);

        boolean quiescentReadGaveUp = false;
        List<String> leftovers = new ArrayList<>();
        try {
            for (Throwable failure : time.runClients(bodies, starts)) {
                livenessFailures.add("a client failed: " + failure);
            }
            try {
                history.read(clients, reader.clientId(), () -> reader.read(KEY));
            } catch (ContentionException e) {
                quiescentReadGaveUp = true;
            } catch (RuntimeException e) {
                livenessFailures.add("the quiescent read: " + e);
            }
            time.drain();
            // The space bound (docs/algorithm.md, Space): once everything landed, one solo write and its GC
            // leave no older version at any store still answering.
            try {
                Timestamp solo = reader.write(KEY, Kind.VALUE, utf8("solo"));
                time.drain();
                for (int i = 0; i < n; i++) {
                    if (!cluster.failing().contains(i)) {
                        for (KeyLayout.Listed version : stores.get(i).versions()) {
                            if (version.ts().compareTo(solo) < 0) {
                                leftovers.add("s%d still holds %s after the solo write %s and its GC".formatted(i, version.storeKey(), solo));
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                livenessFailures.add("the solo write: " + e);
            }
        } finally {
            replicated.forEach(ReplicatedStore::close);
        }
        List<String> decreases = stores.stream().flatMap(store -> store.decreases().stream()).toList();
        return new Run(seed, semantics, shape.toString(), history.ops(), livenessFailures, contendedReads.get(), quiescentReadGaveUp,
                decreases, leftovers, time.events());
    }

    /**
     * The stores of one history on its virtual time, over links with random latencies, up to t of them failing.
     *
     * @param failing the stores that crash or stall at some point (slow ones keep answering)
     */
    record Cluster(VirtualTime time, List<SimulatedStore> stores, Set<Integer> failing) {
        /** Draws the network and the store faults from {@code random}; what it chose goes into {@code shape}. */
        static Cluster faulty(Random random, Profile profile, int n, int t, int clients, StringBuilder shape) {
            // The network: per store a base latency of up to 2 ms; per client and store a share of slow calls.
            long[] baseLatency = random.longs(n, 1, 2 * MILLIS).toArray();
            int[][] slowPercent = new int[clients + 1][n];
            for (int[] row : slowPercent) {
                for (int i = 0; i < n; i++) {
                    row[i] = profile.linkSlowPercents[random.nextInt(profile.linkSlowPercents.length)];
                }
            }
            long[] slowFrom = new long[n];
            long[] stalledFrom = new long[n];
            Arrays.fill(slowFrom, Long.MAX_VALUE);
            Arrays.fill(stalledFrom, Long.MAX_VALUE);
            Random network = new Random(random.nextLong());
            VirtualTime time = new VirtualTime(new VirtualTime.Links() {
                @Override
                public long latencyNanos(int client, int store, long now) {
                    long latency = 1 + (long) (network.nextDouble() * baseLatency[store]);
                    if (network.nextInt(100) < slowPercent[client < 0 ? clients : client][store]) {
                        latency += MILLIS + network.nextInt(14) * MILLIS + network.nextInt((int) MILLIS);
                    }
                    return latency + (now >= slowFrom[store] ? 10 * MILLIS : 0);
                }

                @Override
                public boolean swallows(int store, long now) {
                    return now >= stalledFrom[store];
                }
            }, random.nextLong());
            List<SimulatedStore> stores = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                stores.add(new SimulatedStore("s" + i, KEY, time::now));
            }

            // Up to t stores fail at a random moment: crash, stall forever, or turn very slow.
            List<Integer> faultyStores = new ArrayList<>();
            Set<Integer> failing = new HashSet<>();
            int faulty = random.nextInt(t + 1);
            for (int f = 0; f < faulty; f++) {
                int index = random.nextInt(n);
                if (faultyStores.contains(index)) {
                    continue;
                }
                faultyStores.add(index);
                long at = random.nextInt(15) * MILLIS + random.nextInt((int) MILLIS);
                int kind = random.nextInt(3);
                shape.append(" store s%d %s at %dus".formatted(index, new String[] {"crashes", "stalls", "slows"}[kind], at / 1000));
                switch (kind) {
                    case 0 -> stores.get(index).crashAt(at);
                    case 1 -> stalledFrom[index] = at;
                    default -> slowFrom[index] = at;
                }
                if (kind < 2) {
                    failing.add(index);
                }
            }
            return new Cluster(time, stores, Set.copyOf(failing));
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
