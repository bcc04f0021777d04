package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import java.util.List;
import java.util.Locale;

/**
 * Erasure coding against whole-value replication over the same five modeled stores, both atomic with
 * t = 1, so the two differ in the coding alone: put and get throughput and latency, and the bytes the
 * stores hold afterwards against the logical bytes written (n/k = 1.67x against n = 5x).
 */
final class ErasureBenchmarks {
    private static final int STORES = 5;
    private static final int FAULT_TOLERANCE = 1;
    private static final int DATA_FRAGMENTS = 3;
    private static final List<ValueLoad> SIZES = List.of(ValueLoad.MEDIUM, ValueLoad.LARGE);

    private static final ReplicationOptions REPLICATED = ReplicationOptions.defaults()
            .withSemantics(Semantics.ATOMIC).withFaultTolerance(FAULT_TOLERANCE);
    private static final ReplicationOptions ERASURE_CODED = REPLICATED.withDataFragments(DATA_FRAGMENTS);

    private final BenchSettings settings;
    private final ResultsTable table;

    ErasureBenchmarks(BenchSettings settings, ResultsTable table) {
        this.settings = requireNonNull(settings, "settings");
        this.table = requireNonNull(table, "table");
    }

    void run() {
        // warm-up, not reported: the first run would otherwise also measure class loading and the JIT of the coder
        PutGet.measure(() -> Stacks.replicatedStore("warmup", ERASURE_CODED, Stacks.uniform(STORES, 1.0)),
                ValueLoad.MEDIUM, settings.measurement());
        for (ValueLoad size : SIZES) {
            erasureVersusReplicated(size);
        }
    }

    private void erasureVersusReplicated(ValueLoad size) {
        String section = "Erasure-coded vs replicated (n=" + STORES + ", t=" + FAULT_TOLERANCE + ", atomic), " + size.label();
        PutGet replicated = PutGet.measure(
                () -> Stacks.replicatedStore("repl", REPLICATED, Stacks.uniform(STORES, 1.0)), size, settings.measurement());
        PutGet coded = PutGet.measure(
                () -> Stacks.replicatedStore("erasure", ERASURE_CODED, Stacks.uniform(STORES, 1.0)), size, settings.measurement());
        String label = "k=" + DATA_FRAGMENTS + " erasure";
        String baseline = "replicated (whole values)";
        table.add(section, "put throughput, " + label, coded.put().opsPerSecond(), "ops/s",
                baseline, replicated.put().opsPerSecond());
        table.add(section, "put p50, " + label, coded.put().latency().p50Millis(), "ms",
                baseline, replicated.put().latency().p50Millis());
        table.add(section, "put p99, " + label, coded.put().latency().p99Millis(), "ms",
                baseline, replicated.put().latency().p99Millis());
        table.add(section, "get throughput, " + label, coded.get().opsPerSecond(), "ops/s",
                baseline, replicated.get().opsPerSecond());
        table.add(section, "get p50, " + label, coded.get().latency().p50Millis(), "ms",
                baseline, replicated.get().latency().p50Millis());
        table.add(section, "get p99, " + label, coded.get().latency().p99Millis(), "ms",
                baseline, replicated.get().latency().p99Millis());
        table.add(section, "bytes stored over the " + STORES + " stores, " + label, mib(coded.storedBytes()), "MiB",
                baseline, mib(replicated.storedBytes()));

        // every key holds its last value after the get run, so the logical bytes are keys x value size
        long logicalBytes = (long) size.callers() * size.keysPerCaller() * size.bytes();
        String logical = "logical bytes (" + size.callers() * size.keysPerCaller() + " keys x " + size.label() + ")";
        double codedExpansion = STORES / (double) DATA_FRAGMENTS;
        table.add(section, "bytes stored, " + label, mib(coded.storedBytes()), "MiB", logical, mib(logicalBytes),
                String.format(Locale.ROOT, "%.2fx (n/k) +- 10%%", codedExpansion),
                withinTenPercent(coded.storedBytes() / (double) logicalBytes, codedExpansion));
        table.add(section, "bytes stored, replicated", mib(replicated.storedBytes()), "MiB", logical, mib(logicalBytes),
                STORES + ".00x (n) +- 10%", withinTenPercent(replicated.storedBytes() / (double) logicalBytes, STORES));
        replicated.noteErrors(table, section + ", replicated");
        coded.noteErrors(table, section + ", " + label);
    }

    private static boolean withinTenPercent(double ratio, double expected) {
        return Math.abs(ratio - expected) <= 0.1 * expected;
    }

    private static double mib(long bytes) {
        return bytes / (double) ValueLoad.MIB;
    }
}
