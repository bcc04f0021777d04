package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.benchmarks.LatencyModel.Op;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The replicated store's two store-level targets, side by side in one run: throughput as callers grow from 8
 * to 256 (32x would be linear), and the latency of an uncontended operation against what the latency model
 * says its rounds take at the fastest quorum, so that any wait beyond the algorithm's rounds shows.
 */
final class ScalingBenchmarks {
    private static final List<Integer> CALLERS = List.of(8, 16, 32, 64, 128, 256);
    private static final int STORES = 3;
    private static final int QUORUM = 2;
    /** Calls one caller may have in flight at one store: collect (2), copies (2), GC removes left running. */
    private static final int CALLS_PER_CALLER = 4;
    /** Callers of the latency runs: keys of their own, far below every store's concurrency, so nothing queues. */
    private static final int UNCONTENDED_CALLERS = 8;
    private static final int MODEL_DRAWS = 200_000;

    private final BenchSettings settings;
    private final ResultsTable table;

    ScalingBenchmarks(BenchSettings settings, ResultsTable table) {
        this.settings = requireNonNull(settings, "settings");
        this.table = requireNonNull(table, "table");
    }

    void run() {
        // warm-up, not reported
        PutGet.measure(() -> Stacks.replicatedStore("warmup", Semantics.ATOMIC, 1, 1, 1), load(64, ValueLoad.KIB), settings.measurement());
        throughputByCallers(false);
        throughputByCallers(true);
        uncontendedLatency(ValueLoad.KIB, "1 KiB");
        uncontendedLatency(ValueLoad.MIB, "1 MiB");
    }

    /**
     * n=3 atomic, 1 KiB, each caller on keys of its own: put and get throughput at each number of callers
     * against 8 callers. With {@code sized}, each store runs as many calls at once as the callers can have in
     * flight ({@code store.<name>.max.concurrency}); otherwise the default.
     */
    private void throughputByCallers(boolean sized) {
        String config = sized ? "max.concurrency " + CALLS_PER_CALLER + " x callers"
                : "default max.concurrency " + ReplicationOptions.DEFAULT_MAX_CONCURRENCY;
        String section = "Replicated store throughput by callers (n=3 atomic, 1 KiB, " + config + ")";
        PutGet eight = null;
        for (int callers : CALLERS) {
            ReplicationOptions options = ReplicationOptions.defaults().withSemantics(Semantics.ATOMIC);
            if (sized) {
                int calls = CALLS_PER_CALLER * callers;
                options = options.withQueuePerStore(calls, Math.max(calls, ReplicationOptions.DEFAULT_QUEUED_CALLS_PER_STORE));
            }
            ReplicationOptions chosen = options;
            PutGet run = PutGet.measure(() -> Stacks.replicatedStore("scale", chosen, Stacks.uniform(STORES, 1.0)),
                    load(callers, ValueLoad.KIB), settings.measurement());
            if (eight == null) {
                eight = run;
            }
            double linear = callers / 8.0;
            String target = callers == 256 ? ">= 25x" : null;
            for (var op : List.of(new Figure("put", run.put(), eight.put()), new Figure("get", run.get(), eight.get()))) {
                String figure = op.name() + " throughput, " + callers + " callers (" + ratio(linear) + " linear)";
                if (target == null) {
                    table.add(section, figure, op.run().opsPerSecond(), "ops/s", "8 callers", op.eight().opsPerSecond());
                } else {
                    table.add(section, figure, op.run().opsPerSecond(), "ops/s", "8 callers", op.eight().opsPerSecond(),
                            target, op.run().opsPerSecond() / op.eight().opsPerSecond() >= 25);
                }
            }
            table.add(section, "put p99, " + callers + " callers", run.put().latency().p99Millis(), "ms",
                    "8 callers", eight.put().latency().p99Millis());
            table.add(section, "get p99, " + callers + " callers", run.get().latency().p99Millis(), "ms",
                    "8 callers", eight.get().latency().p99Millis());
            run.noteErrors(table, section + ", " + callers + " callers");
        }
    }

    private record Figure(String name, LoadRunner.Result run, LoadRunner.Result eight) {}

    /**
     * Uncontended put and get latency, n=3 in both semantics, against the model's rounds at the fastest quorum
     * (the same model the stores sleep by, drawn {@value #MODEL_DRAWS} times): a get needs one round of a list
     * (the eternal copy's get goes with it); a put a collect round and one round of puts (a list and an inline
     * eternal copy's get, then the temporary and eternal puts; for a large value the thin eternal copy's get and
     * put are a few bytes and not awaited, so the rounds are a list, then the value's put).
     */
    private void uncontendedLatency(int bytes, String size) {
        String section = "Uncontended latency against the model's rounds to the fastest quorum (n=3, " + size + ")";
        LatencyModel model = LatencyModel.cloudRegion();
        LatencySummary oneRound = modelRounds(model, List.of(List.of(Op.LIST)), bytes);
        LatencySummary writeRounds = modelRounds(model, bytes <= ReplicationOptions.DEFAULT_INLINE_MAX_BYTES
                ? List.of(List.of(Op.LIST, Op.GET), List.of(Op.PUT, Op.PUT)) : List.of(List.of(Op.LIST), List.of(Op.PUT)), bytes);
        for (Semantics semantics : Semantics.values()) {
            PutGet run = PutGet.measure(() -> Stacks.replicatedStore("rounds", semantics, Stacks.uniform(STORES, 1.0)),
                    load(UNCONTENDED_CALLERS, bytes), settings.measurement().multipliedBy(2));
            String label = semantics.name().toLowerCase(Locale.ROOT);
            boolean targeted = bytes == ValueLoad.KIB;
            addLatency(section, "get p50, " + label, run.get().latency().p50Millis(), "one list round, p50", oneRound.p50Millis(), targeted);
            addLatency(section, "get p99, " + label, run.get().latency().p99Millis(), "one list round, p99", oneRound.p99Millis(), targeted);
            table.add(section, "put p50, " + label, run.put().latency().p50Millis(), "ms",
                    "collect round + put round, p50", writeRounds.p50Millis());
            table.add(section, "put p99, " + label, run.put().latency().p99Millis(), "ms",
                    "collect round + put round, p99", writeRounds.p99Millis());
            run.noteErrors(table, section + ", " + label);
        }
    }

    private void addLatency(String section, String figure, double value, String baseline, double baselineValue, boolean targeted) {
        if (targeted) {
            table.add(section, figure, value, "ms", baseline, baselineValue, "<= 1.15x", value / baselineValue <= 1.15);
        } else {
            table.add(section, figure, value, "ms", baseline, baselineValue);
        }
    }

    /** Percentiles of {@code rounds} at the fastest quorum of {@value #STORES} stores under {@code model}. */
    private static LatencySummary modelRounds(LatencyModel model, List<List<Op>> rounds, int bytes) {
        Random random = new Random(7);
        long[] draws = new long[MODEL_DRAWS];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = model.quorumRoundsNanos(STORES, QUORUM, rounds, bytes, random);
        }
        return LatencySummary.of(draws);
    }

    private static ValueLoad load(int callers, int bytes) {
        return new ValueLoad(bytes == ValueLoad.KIB ? "1 KiB" : bytes / ValueLoad.MIB + " MiB", bytes, callers, 8);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.0fx", value);
    }
}
