package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.KeyValueStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * The store-level figures: a replicated stack against one store with the same latency model, under
 * faults, and on one contended key. Every stack is opened through {@code StoreStack}, so the benchmark
 * measures exactly what a configured connector runs.
 */
final class CoreBenchmarks {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    /** A value size and the load that suits it: more callers for small values, fewer for 16 MiB. */
    private record Size(String label, int bytes, int callers, int keysPerCaller) {}

    private static final List<Size> SIZES = List.of(
            new Size("1 KiB", KIB, 16, 8),
            new Size("1 MiB", MIB, 8, 2),
            new Size("16 MiB", 16 * MIB, 2, 2));

    /** A replicated configuration compared with one store. */
    private record Replication(int n, String semantics) {
        String label() {
            return "n=" + n + " " + semantics;
        }
    }

    private static final List<Replication> REPLICATIONS = List.of(
            new Replication(3, "regular"), new Replication(3, "atomic"),
            new Replication(5, "regular"), new Replication(5, "atomic"));

    private final BenchSettings settings;
    private final ResultsTable table;

    CoreBenchmarks(BenchSettings settings, ResultsTable table) {
        this.settings = requireNonNull(settings, "settings");
        this.table = requireNonNull(table, "table");
    }

    void run() {
        for (Size size : SIZES) {
            replicatedVersusSingle(size);
        }
    }

    /** Put and get throughput and latency of each replicated configuration against one bare store. */
    private void replicatedVersusSingle(Size size) {
        String section = "Replicated vs one store, " + size.label();
        PutGet single = measure(() -> Stacks.single("single", 1.0), size);
        for (Replication replication : REPLICATIONS) {
            PutGet replicated = measure(
                    () -> Stacks.open(Stacks.replicated("repl", replication.semantics(), Stacks.uniform(replication.n(), 1.0))),
                    size);
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
            reportErrors(section + ", " + label, replicated);
        }
        reportErrors(section + ", one store", single);
    }

    /** What one stack did under the put workload and then the get workload. */
    private record PutGet(LoadRunner.Result put, LoadRunner.Result get) {}

    private PutGet measure(Supplier<KeyValueStore> stack, Size size) {
        BenchStores.clear();
        KeyValueWorkload workload = new KeyValueWorkload(size.callers(), size.keysPerCaller(), size.bytes());
        try (KeyValueStore store = stack.get()) {
            LoadRunner.Result puts = workload.puts(store, settings.measurement());
            LoadRunner.Result gets = workload.gets(store, settings.measurement());
            return new PutGet(puts, gets);
        } finally {
            BenchStores.clear();
        }
    }

    private void reportErrors(String what, PutGet result) {
        long errors = result.put().errors() + result.get().errors();
        if (errors > 0) {
            table.note(what + ": " + errors + " failed operations, first: "
                    + (result.put().firstError() != null ? result.put().firstError() : result.get().firstError()));
        }
    }
}
