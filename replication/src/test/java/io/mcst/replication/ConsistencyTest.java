package io.mcst.replication;

import static org.assertj.core.api.Assertions.fail;

import io.mcst.replication.HistoryScenario.Profile;
import io.mcst.replication.HistoryScenario.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories under faults on virtual time, judged by the timestamp check and, for atomic
 * semantics, by the Wing &amp; Gong linearizability search; then proof that both judges can fail, on
 * deliberately broken variants. A history is a function of its seed: a failure names the seed and the
 * command that replays exactly that schedule ({@value HistoryScenario#REPLAY_PROPERTY}). With the system property
 * {@value HistoryLog#DIRECTORY_PROPERTY} naming a directory, every history is also written there as JSON
 * lines for other checkers.
 */
class ConsistencyTest {
    private static final int ATOMIC_HISTORIES = 6_000;
    private static final int REGULAR_HISTORIES = 4_000;
    private static final int ERASURE_HISTORIES = 5_000;
    /** Seeds a mutant gets before the test concludes the checker missed it. */
    private static final int MUTANT_SEEDS = 2_000;
    private static final int EARLY_RETURN_SEEDS = 1_000;
    /** Failing seeds listed before a test stops looking for more. */
    private static final int FAILURES_REPORTED = 10;

    @Test
    void randomHistoriesUnderFaultsAreLinearizable() {
        judgeAll("randomHistoriesUnderFaultsAreLinearizable", ATOMIC_HISTORIES,
                seed -> HistoryScenario.run(seed, profile(seed), Semantics.ATOMIC, Mutation.NONE));
    }

    @Test
    void randomHistoriesUnderFaultsAreRegular() {
        judgeAll("randomHistoriesUnderFaultsAreRegular", REGULAR_HISTORIES,
                seed -> HistoryScenario.run(seed, profile(seed), Semantics.REGULAR, Mutation.NONE));
    }

    /**
     * Erasure mode (docs/algorithm.md, Erasure coding) under the same schedules: crashed writers leave partial fragment sets,
     * GC runs concurrently, up to t stores fail. Atomic (both judges) and regular, hostile ones included.
     */
    @Test
    void erasureCodedHistoriesUnderFaultsAreLinearizableOrRegular() {
        judgeAll("erasureCodedHistoriesUnderFaultsAreLinearizableOrRegular", ERASURE_HISTORIES,
                seed -> HistoryScenario.run(seed, profile(seed), erasureSemantics(seed), Mutation.NONE, true));
    }

    /**
     * Without the write-back a read can return a version no quorum lists, and a later read an older one.
     * Judged by the timestamps as well as the values: on values alone, a stale not-found may pass for a
     * concurrent remove.
     */
    @Test
    void atomicWithoutWriteBackIsCaughtByTheLinearizabilityCheck() {
        firstCaught(Semantics.ATOMIC, Mutation.NO_WRITE_BACK, run -> !HistoryChecks.isLinearizable(run.ops())
                || !HistoryChecks.timestampViolations(run.ops(), Semantics.ATOMIC).isEmpty());
    }

    /**
     * Erasure-coded reads that go for the highest listed fragment set instead of the highest commit marker
     * stall on crashed writers' partial fragment sets: the quiescent read gives up with no write in progress.
     */
    @Test
    void erasureReadOfTheHighestFragmentSetIsCaughtByTheQuiescentRead() {
        firstCaught(Mutation.HIGHEST_FRAGMENT_SET, seed -> HistoryScenario.run(seed, Profile.CRASHING, erasureSemantics(seed),
                Mutation.HIGHEST_FRAGMENT_SET, true), Run::quiescentReadGaveUp);
    }

    /**
     * Commit copies sent with the temporary copies they announce (a thin eternal copy, a marker) let a writer that
     * crashed mid-write leave a copy naming a version no quorum holds: the quiescent read gives up on it.
     */
    @Test
    void commitCopiesSentWithTheirTemporaryCopiesAreCaughtByTheQuiescentRead() {
        firstCaught(Mutation.COMMIT_WITH_TEMPORARIES, seed -> HistoryScenario.run(seed, Profile.CRASHING, Semantics.REGULAR,
                Mutation.COMMIT_WITH_TEMPORARIES, seed % 2 == 0), Run::quiescentReadGaveUp);
    }

    /**
     * GC that does not wait for the store's ack of the write's own temporary key lets a store's highest
     * listed timestamp drop, the first step of the stale read GcWaitsForOwnAckScheduleTest builds.
     */
    @Test
    void collectingBeforeTheOwnAckIsCaughtByTheListedTimestampCheck() {
        firstCaught(Mutation.GC_BEFORE_OWN_ACK, seed -> HistoryScenario.run(seed, Profile.HOSTILE, Semantics.REGULAR,
                Mutation.GC_BEFORE_OWN_ACK), run -> !run.listedDecreases().isEmpty());
    }

    /** Writes that never collect garbage leave older versions behind the final solo write: the space check. */
    @Test
    void neverCollectingIsCaughtByTheSpaceCheck() {
        firstCaught(Mutation.NEVER_COLLECTS, seed -> HistoryScenario.run(seed, Profile.NORMAL, Semantics.REGULAR,
                Mutation.NEVER_COLLECTS, seed % 2 == 0), run -> !run.leftovers().isEmpty());
    }

    @Test
    void readTrustingTheEternalCopyIsCaughtByTheRegularityCheck() {
        firstCaught(Semantics.REGULAR, Mutation.TRUST_ETERNAL,
                run -> !HistoryChecks.timestampViolations(run.ops(), Semantics.REGULAR).isEmpty());
    }

    /**
     * One might expect a write that returns before its eternal copy reached a quorum to break regularity.
     * Under the read rule it cannot: a read never returns anything older than the newest temporary key listed
     * at its quorum, and a completed write's temporary key (or a newer one) is at a
     * quorum until a newer write's temporary key is, because GC runs only after a write's temporary copy
     * reached a quorum. The eternal copy serves one-round reads and liveness, not safety. This test guards
     * that argument: if the checker ever catches this variant, the argument is wrong.
     */
    @Test
    void writeReturningBeforeItsEternalQuorumStaysRegular() {
        List<String> failures = new ArrayList<>();
        for (long seed : HistoryScenario.seeds(EARLY_RETURN_SEEDS)) {
            Run run = HistoryScenario.run(seed, Profile.HOSTILE, Semantics.REGULAR, Mutation.RETURN_BEFORE_ETERNAL_QUORUM);
            List<String> violations = HistoryChecks.timestampViolations(run.ops(), Semantics.REGULAR);
            if (!violations.isEmpty()) {
                failures.add(report("writeReturningBeforeItsEternalQuorumStaysRegular", run, violations));
            }
        }
        failIfAny("the safety argument for the eternal phase is wrong", failures);
    }

    /**
     * Every fourth history is hostile (the correct algorithm must pass the schedules that catch mutants),
     * every fourth one crashes clients mid-write in numbers, the rest are normal.
     */
    private static Profile profile(long seed) {
        return seed % 4 == 0 ? Profile.HOSTILE : seed % 4 == 2 ? Profile.CRASHING : Profile.NORMAL;
    }

    /** Alternates by seed / 4, so hostile and normal histories both come in either semantics. */
    private static Semantics erasureSemantics(long seed) {
        return (seed / 4) % 2 == 0 ? Semantics.ATOMIC : Semantics.REGULAR;
    }

    /**
     * Runs {@code count} seeds and fails with every failing seed (up to {@link #FAILURES_REPORTED}): a
     * liveness failure, a violated property, a non-linearizable atomic history, a final read that gave up
     * with no write in progress, a store whose highest listed timestamp went down (the invariant the GC rule
     * keeps: docs/algorithm.md, Write and Erasure coding), or a version a final solo write's GC left behind.
     */
    private static void judgeAll(String test, int count, LongFunction<Run> history) {
        long started = System.nanoTime();
        List<String> failures = new ArrayList<>();
        int histories = 0;
        int operations = 0;
        int crashedWrites = 0;
        int contended = 0;
        int quiescentGaveUp = 0;
        for (long seed : HistoryScenario.seeds(count)) {
            Run run = history.apply(seed);
            HistoryLog.writeIfAsked(test, run.seed(), run.ops());
            Semantics semantics = run.semantics();
            List<String> problems = new ArrayList<>();
            run.livenessFailures().forEach(failure -> problems.add("liveness: " + failure));
            problems.addAll(HistoryChecks.timestampViolations(run.ops(), semantics));
            if (semantics == Semantics.ATOMIC && !HistoryChecks.isLinearizable(run.ops())) {
                problems.add("not linearizable");
            }
            if (run.quiescentReadGaveUp()) {
                quiescentGaveUp++;
                problems.add("the quiescent read gave up with no write in progress");
            }
            problems.addAll(run.listedDecreases());
            problems.addAll(run.leftovers());
            if (!problems.isEmpty() && failures.size() < FAILURES_REPORTED) {
                failures.add(report(test, run, problems));
            }
            histories++;
            operations += run.ops().size();
            crashedWrites += (int) run.ops().stream().filter(op -> !op.completed()).count();
            contended += run.contendedReads();
        }
        System.out.printf("%s: %d histories, %d operations, %d writes cut short by a crash, %d reads gave up under"
                        + " contention, %d quiescent reads gave up, %d ms%n", test, histories, operations, crashedWrites,
                contended, quiescentGaveUp, (System.nanoTime() - started) / 1_000_000);
        failIfAny(test + " failed", failures);
    }

    private interface Verdict {
        boolean caught(Run run);
    }

    private static void firstCaught(Semantics semantics, Mutation mutation, Verdict verdict) {
        firstCaught(mutation, seed -> HistoryScenario.run(seed, Profile.HOSTILE, semantics, mutation), verdict);
    }

    private static void firstCaught(Mutation mutation, LongFunction<Run> history, Verdict verdict) {
        for (long seed : HistoryScenario.seeds(MUTANT_SEEDS)) {
            Run run = history.apply(seed);
            if (verdict.caught(run)) {
                System.out.println(mutation + " caught at " + run.shape() + "\n"
                        + HistoryChecks.timestampViolations(run.ops(), run.semantics()) + "\n" + run.listedDecreases());
                return;
            }
        }
        fail("the checker missed mutant " + mutation + " on " + MUTANT_SEEDS + " seeds");
    }

    private static String report(String test, Run run, List<String> problems) {
        StringBuilder out = new StringBuilder("seed ").append(run.seed()).append(": ").append(run.shape()).append('\n');
        problems.forEach(problem -> out.append("  ").append(problem).append('\n'));
        out.append("  history:\n");
        run.ops().forEach(op -> out.append("    ").append(op).append('\n'));
        out.append("  replay: mvn -B -o verify -pl replication -am -DskipITs -Dsurefire.failIfNoSpecifiedTests=false")
                .append(" -Dtest='ConsistencyTest#").append(test)
                .append("' -D").append(HistoryScenario.REPLAY_PROPERTY).append('=').append(run.seed()).append('\n');
        return out.toString();
    }

    private static void failIfAny(String what, List<String> failures) {
        if (!failures.isEmpty()) {
            fail(what + " at " + failures.size() + (failures.size() == FAILURES_REPORTED ? "+" : "") + " seeds:\n"
                    + String.join("\n", failures));
        }
    }
}
