package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import io.mcst.stores.KeyValueStore;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The store-level figures: a replicated stack against one store with the same latency model, under
 * faults, and on one contended key. Every stack is opened through {@code StoreStack}, so the benchmark
 * measures exactly what a configured connector runs.
 */
final class CoreBenchmarks {
    private static final List<ValueLoad> SIZES = List.of(ValueLoad.SMALL, ValueLoad.MEDIUM, ValueLoad.LARGE);

    /** A replicated configuration compared with one store. */
    private record Replication(int n, Semantics semantics) {
        String label() {
            return "n=" + n + " " + label(semantics);
        }

        static String label(Semantics semantics) {
            return semantics.name().toLowerCase(Locale.ROOT);
        }
    }

    private static final List<Replication> REPLICATIONS = List.of(
            new Replication(3, Semantics.REGULAR), new Replication(3, Semantics.ATOMIC),
            new Replication(5, Semantics.REGULAR), new Replication(5, Semantics.ATOMIC));

    private final BenchSettings settings;
    private final ResultsTable table;

    CoreBenchmarks(BenchSettings settings, ResultsTable table) {
        this.settings = requireNonNull(settings, "settings");
        this.table = requireNonNull(table, "table");
    }

    void run() {
        // warm-up, not reported: the first run would otherwise also measure class loading and the JIT
        PutGet.measure(() -> Stacks.replicatedStore("warmup", Semantics.ATOMIC, 1, 1, 1), ValueLoad.SMALL, settings.measurement());
        unloadedLatency();
        for (ValueLoad size : SIZES) {
            replicatedVersusSingle(size);
        }
        for (ValueLoad size : SIZES.subList(0, 2)) {
            oneStoreFaulty(size);
        }
        getTailAgainstFastestMajority();
        oneHotKey();
    }

    /**
     * n=3 atomic with one store stalled (never answers) or ten times slower, against all healthy. A stalled
     * store must cost a caller nothing: no operation waits for it.
     */
    private void oneStoreFaulty(ValueLoad size) {
        String section = "One of 3 stores faulty (atomic), " + size.label();
        PutGet healthy = PutGet.measure(() -> Stacks.replicatedStore("healthy", Semantics.ATOMIC, 1, 1, 1), size, settings.measurement());
        PutGet stalled = PutGet.measure(() -> {
            KeyValueStore store = Stacks.replicatedStore("stalled", Semantics.ATOMIC, 1, 1, 1);
            BenchStores.stall("stalled-2");
            return store;
        }, size, settings.measurement());
        PutGet slow = PutGet.measure(() -> Stacks.replicatedStore("slow", Semantics.ATOMIC, 1, 1, 10), size, settings.measurement());
        for (var fault : List.of(Map.entry("one stalled", stalled), Map.entry("one 10x slower", slow))) {
            PutGet faulty = fault.getValue();
            String label = fault.getKey();
            double putRatio = faulty.put().opsPerSecond() / healthy.put().opsPerSecond();
            double getRatio = faulty.get().opsPerSecond() / healthy.get().opsPerSecond();
            table.add(section, "put throughput, " + label, faulty.put().opsPerSecond(), "ops/s",
                    "all healthy", healthy.put().opsPerSecond(), ">= 0.9x", putRatio >= 0.9);
            table.add(section, "get throughput, " + label, faulty.get().opsPerSecond(), "ops/s",
                    "all healthy", healthy.get().opsPerSecond(), ">= 0.9x", getRatio >= 0.9);
            table.add(section, "put p99, " + label, faulty.put().latency().p99Millis(), "ms",
                    "all healthy", healthy.put().latency().p99Millis());
            table.add(section, "get p99, " + label, faulty.get().latency().p99Millis(), "ms",
                    "all healthy", healthy.get().latency().p99Millis());
            double slowest = Math.max(faulty.put().latency().maxMillis(), faulty.get().latency().maxMillis());
            table.add(section, "slowest operation, " + label, slowest, "ms", "all healthy",
                    Math.max(healthy.put().latency().maxMillis(), healthy.get().latency().maxMillis()),
                    "< 1000 ms", slowest < 1000);
            faulty.noteErrors(table, section + ", " + label);
        }
        healthy.noteErrors(table, section + ", all healthy");
    }

    /**
     * One caller, 1 KiB: the latency the protocol itself adds (its round trips), without queueing for the
     * per-store threads.
     */
    private void unloadedLatency() {
        String section = "One caller (no queueing), 1 KiB";
        ValueLoad size = new ValueLoad("1 KiB", ValueLoad.KIB, 1, 4);
        PutGet single = PutGet.measure(() -> Stacks.single("single", 1.0), size, settings.measurement());
        for (Semantics semantics : Semantics.values()) {
            PutGet replicated = PutGet.measure(() -> Stacks.replicatedStore("repl", semantics, 1, 1, 1), size, settings.measurement());
            String label = "n=3 " + Replication.label(semantics);
            table.add(section, "put p50, " + label, replicated.put().latency().p50Millis(), "ms",
                    "one store", single.put().latency().p50Millis());
            table.add(section, "put p99, " + label, replicated.put().latency().p99Millis(), "ms",
                    "one store", single.put().latency().p99Millis());
            table.add(section, "get p50, " + label, replicated.get().latency().p50Millis(), "ms",
                    "one store", single.get().latency().p50Millis());
            table.add(section, "get p99, " + label, replicated.get().latency().p99Millis(), "ms",
                    "one store", single.get().latency().p99Millis(), "<= 1.10x",
                    replicated.get().latency().p99Millis() / single.get().latency().p99Millis() <= 1.10);
            replicated.noteErrors(table, section + ", " + label);
        }
    }

    /** Put and get throughput and latency of each replicated configuration against one bare store. */
    private void replicatedVersusSingle(ValueLoad size) {
        String section = "Replicated vs one store, " + size.label();
        PutGet single = PutGet.measure(() -> Stacks.single("single", 1.0), size, settings.measurement());
        for (Replication replication : REPLICATIONS) {
            PutGet replicated = PutGet.measure(
                    () -> Stacks.replicatedStore("repl", replication.semantics(), Stacks.uniform(replication.n(), 1.0)),
                    size, settings.measurement());
            String label = replication.label();
            table.add(section, "put throughput, " + label, replicated.put().opsPerSecond(), "ops/s",
                    "one store", single.put().opsPerSecond());
            table.add(section, "put p50, " + label, replicated.put().latency().p50Millis(), "ms",
                    "one store", single.put().latency().p50Millis());
            table.add(section, "put p99, " + label, replicated.put().latency().p99Millis(), "ms",
                    "one store", single.put().latency().p99Millis());
            table.add(section, "get throughput, " + label, replicated.get().opsPerSecond(), "ops/s",
                    "one store", single.get().opsPerSecond());
            table.add(section, "get p50, " + label, replicated.get().latency().p50Millis(), "ms",
                    "one store", single.get().latency().p50Millis());
            double p99Ratio = replicated.get().latency().p99Millis() / single.get().latency().p99Millis();
            table.add(section, "get p99, " + label, replicated.get().latency().p99Millis(), "ms",
                    "one store (= fastest-majority store: all alike)", single.get().latency().p99Millis(),
                    "<= 1.10x", p99Ratio <= 1.10);
            replicated.noteErrors(table, section + ", " + label);
        }
        if (size.callers() > ReplicationOptions.DEFAULT_MAX_CONCURRENCY) {
            // more callers than threads per store: what the default pool size costs
            int threads = 4 * size.callers();
            ReplicationOptions wider = ReplicationOptions.defaults()
                    .withQueuePerStore(threads, ReplicationOptions.DEFAULT_QUEUED_CALLS_PER_STORE);
            PutGet replicated = PutGet.measure(() -> Stacks.replicatedStore("wide", wider, 1, 1, 1), size,
                    settings.measurement());
            String label = "n=3 atomic, " + threads + " threads/store (default "
                    + ReplicationOptions.DEFAULT_MAX_CONCURRENCY + ")";
            table.add(section, "put throughput, " + label, replicated.put().opsPerSecond(), "ops/s",
                    "one store", single.put().opsPerSecond());
            table.add(section, "put p99, " + label, replicated.put().latency().p99Millis(), "ms",
                    "one store", single.put().latency().p99Millis());
            table.add(section, "get throughput, " + label, replicated.get().opsPerSecond(), "ops/s",
                    "one store", single.get().opsPerSecond());
            table.add(section, "get p99, " + label, replicated.get().latency().p99Millis(), "ms",
                    "one store", single.get().latency().p99Millis());
            replicated.noteErrors(table, section + ", " + label);
        }
        single.noteErrors(table, section + ", one store");
    }

    /**
     * Stores of three speeds: a read waits for a majority, so its p99 should track the p99 of the slowest
     * store of the fastest majority (here the middle one), not the slowest store's.
     */
    private void getTailAgainstFastestMajority() {
        String section = "Get tail, stores of three speeds (1 KiB)";
        double[] factors = {0.8, 1.0, 1.6};
        ValueLoad size = SIZES.get(0);
        double[] p99s = new double[factors.length];
        for (int i = 0; i < factors.length; i++) {
            double factor = factors[i];
            p99s[i] = PutGet.measure(() -> Stacks.single("alone", factor), size, settings.measurement()).get().latency().p99Millis();
        }
        double[] sorted = p99s.clone();
        Arrays.sort(sorted);
        int quorum = factors.length / 2 + 1;
        double fastestMajorityP99 = sorted[quorum - 1];
        for (Semantics semantics : Semantics.values()) {
            PutGet replicated = PutGet.measure(() -> Stacks.replicatedStore("speeds", semantics, factors), size, settings.measurement());
            double p99 = replicated.get().latency().p99Millis();
            table.add(section, "get p99, n=3 " + Replication.label(semantics) + ", stores 0.8x/1x/1.6x", p99, "ms",
                    "p99 of the fastest-majority store (1x)", fastestMajorityP99,
                    "<= 1.10x", p99 / fastestMajorityP99 <= 1.10);
            replicated.noteErrors(table, section + ", " + semantics);
        }
    }

    /**
     * Writers racing on one key: how many versions pile up per store, whether GC brings it back to two
     * blobs, and what the extra deletes cost. Baseline: one writer.
     */
    private void oneHotKey() {
        String section = "Concurrent writers to one key (n=3 atomic, 1 KiB)";
        HotKeyRun alone = hotKey(1);
        for (int writers : List.of(4, 16)) {
            HotKeyRun racing = hotKey(writers);
            String label = writers + " writers";
            table.add(section, "put throughput, " + label, racing.puts().opsPerSecond(), "ops/s",
                    "1 writer", alone.puts().opsPerSecond());
            table.add(section, "put p99, " + label, racing.puts().latency().p99Millis(), "ms",
                    "1 writer", alone.puts().latency().p99Millis());
            table.add(section, "blobs of the key per store at burst end (max), " + label, racing.blobsAtEnd(), "blobs",
                    "1 writer", alone.blobsAtEnd());
            table.add(section, "blobs per store after GC drained, " + label, racing.blobsDrained(), "blobs",
                    "1 writer", alone.blobsDrained());
            table.add(section, "blobs per store after one more write, " + label, racing.blobsAfterSoloWrite(), "blobs",
                    "1 writer", alone.blobsAfterSoloWrite(), "<= 2", racing.blobsAfterSoloWrite() <= 2);
            table.add(section, "GC deletes per write (all stores), " + label, racing.deletesPerWrite(), "deletes",
                    "1 writer", alone.deletesPerWrite());
            if (racing.puts().errors() > 0) {
                table.note(section + ", " + label + ": " + racing.puts().errors() + " failed puts, first: "
                        + racing.puts().firstError());
            }
        }
    }

    /** What racing writers left behind, per store: the most blobs any store held for the key. */
    private record HotKeyRun(LoadRunner.Result puts, int blobsAtEnd, int blobsDrained, int blobsAfterSoloWrite,
            double deletesPerWrite) {}

    private HotKeyRun hotKey(int writers) {
        BenchStores.clear();
        int n = 3;
        List<String> names = Stacks.storeNames("hot", n);
        Payloads payloads = new Payloads(ValueLoad.KIB, 7);
        try (KeyValueStore store = Stacks.replicatedStore("hot", Semantics.ATOMIC, Stacks.uniform(n, 1.0))) {
            LoadRunner.Result puts = LoadRunner.run(writers, settings.measurement(), (writer, i) -> {
                store.put("hot", payloads.stamped((writer + 1L) << 32 | i));
                return ValueLoad.KIB;
            });
            int atEnd = maxBlobs(names, "hot/");
            int drained = awaitQuiet(names, "hot/");
            store.put("hot", payloads.stamped(Long.MAX_VALUE));
            int afterSolo = awaitQuiet(names, "hot/");
            long deletes = names.stream().mapToLong(name -> BenchStores.traffic(name).calls(LatencyModel.Op.REMOVE)).sum();
            return new HotKeyRun(puts, atEnd, drained, afterSolo, deletes / (double) (puts.ops() + 1));
        } finally {
            BenchStores.clear();
        }
    }

    private static int maxBlobs(List<String> storeNames, String prefix) {
        return storeNames.stream().mapToInt(name -> BenchStores.data(name).list(prefix).size()).max().orElse(0);
    }

    /**
     * Waits until background GC stopped changing the stores (no change for a second, at most 30 s) and
     * returns the most blobs any store holds below {@code prefix}.
     */
    private static int awaitQuiet(List<String> storeNames, String prefix) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<Integer> last = null;
        int unchangedPolls = 0;
        while (unchangedPolls < 5 && System.nanoTime() < deadline) {
            List<Integer> counts = storeNames.stream().map(name -> BenchStores.data(name).list(prefix).size()).toList();
            unchangedPolls = counts.equals(last) ? unchangedPolls + 1 : 0;
            last = counts;
            sleepMillis(200);
        }
        return maxBlobs(storeNames, prefix);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for background work", e);
        }
    }
}
