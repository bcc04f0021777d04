package io.mcst.replication;

import static org.assertj.core.api.Assertions.fail;

import io.mcst.replication.HistoryScenario.Profile;
import io.mcst.replication.HistoryScenario.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories under faults, judged by the timestamp check and, for atomic semantics, by the
 * Wing &amp; Gong linearizability search; then proof that both judges can fail, on deliberately broken variants.
 */
class ConsistencyTest {
    private static final int ATOMIC_HISTORIES = 600;
    private static final int REGULAR_HISTORIES = 450;
    private static final int ERASURE_HISTORIES = 300;
    /** Seeds a mutant gets before the test concludes the checker missed it. */
    private static final int MUTANT_SEEDS = 400;
    private static final int EARLY_RETURN_SEEDS = 150;

    @Test
    void randomHistoriesUnderFaultsAreLinearizable() throws Exception {
        int contended = 0;
        int operations = 0;
        for (long seed = 1; seed <= ATOMIC_HISTORIES; seed++) {
            Run run = HistoryScenario.run(seed, profile(seed), Semantics.ATOMIC, Mutation.NONE);
            assertLive(run);
            List<String> violations = HistoryChecks.timestampViolations(run.ops(), Semantics.ATOMIC);
            if (!violations.isEmpty() || !HistoryChecks.isLinearizable(run.ops())) {
                fail("violation at " + run.shape() + "\n" + violations + "\nlinearizable: "
                        + HistoryChecks.isLinearizable(run.ops()) + "\n" + describe(run));
            }
            contended += run.contendedReads();
            operations += run.ops().size();
        }
        System.out.printf("atomic: %d histories, %d operations, %d reads gave up under contention%n",
                ATOMIC_HISTORIES, operations, contended);
    }

    @Test
    void randomHistoriesUnderFaultsAreRegular() throws Exception {
        for (long seed = 1; seed <= REGULAR_HISTORIES; seed++) {
            Run run = HistoryScenario.run(seed, profile(seed), Semantics.REGULAR, Mutation.NONE);
            assertLive(run);
            List<String> violations = HistoryChecks.timestampViolations(run.ops(), Semantics.REGULAR);
            if (!violations.isEmpty()) {
                fail("violation at " + run.shape() + "\n" + violations + "\n" + describe(run));
            }
        }
    }

    /**
     * Erasure mode (docs/algorithm.md, Erasure coding), same schedules: crashed writers leave partial fragment sets,
     * GC runs concurrently, up to t stores fail. Half atomic (both judges), half regular.
     */
    @Test
    void erasureCodedHistoriesUnderFaultsAreLinearizableOrRegular() throws Exception {
        int contended = 0;
        for (long seed = 1; seed <= ERASURE_HISTORIES; seed++) {
            Semantics semantics = seed % 2 == 0 ? Semantics.ATOMIC : Semantics.REGULAR;
            Run run = HistoryScenario.run(seed, profile(seed), semantics, Mutation.NONE, true);
            assertLive(run);
            List<String> violations = HistoryChecks.timestampViolations(run.ops(), semantics);
            boolean linearizable = semantics == Semantics.REGULAR || HistoryChecks.isLinearizable(run.ops());
            if (!violations.isEmpty() || !linearizable) {
                fail("violation at " + run.shape() + "\n" + violations + "\nlinearizable: " + linearizable + "\n" + describe(run));
            }
            contended += run.contendedReads();
        }
        System.out.printf("erasure: %d histories, %d reads gave up under contention%n", ERASURE_HISTORIES, contended);
    }

    @Test
    void atomicWithoutWriteBackIsCaughtByTheLinearizabilityCheck() throws Exception {
        long seed = firstCaught(Semantics.ATOMIC, Mutation.NO_WRITE_BACK, run -> !HistoryChecks.isLinearizable(run.ops()));
        System.out.println("no write-back caught at seed " + seed);
    }

    @Test
    void readTrustingTheEternalCopyIsCaughtByTheRegularityCheck() throws Exception {
        long seed = firstCaught(Semantics.REGULAR, Mutation.TRUST_ETERNAL,
                run -> !HistoryChecks.timestampViolations(run.ops(), Semantics.REGULAR).isEmpty());
        System.out.println("trust-eternal caught at seed " + seed);
    }

    /**
     * A write that returns before its eternal copy reached a quorum might be expected to break regularity.
     * Under the read rule (docs/algorithm.md, Read) it cannot: a read never returns anything older than the newest
     * temporary key listed at its quorum, and a completed write's temporary key (or a newer one) is at a
     * quorum until a newer write's temporary key is, because GC runs only after a write's temporary copy
     * reached a quorum. The eternal copy serves one-round reads and liveness, not safety. This test guards
     * that argument: if the checker ever catches this variant, the argument is wrong.
     */
    @Test
    void writeReturningBeforeItsEternalQuorumStaysRegular() throws Exception {
        for (long seed = 1; seed <= EARLY_RETURN_SEEDS; seed++) {
            Run run = HistoryScenario.run(seed, Profile.HOSTILE, Semantics.REGULAR, Mutation.RETURN_BEFORE_ETERNAL_QUORUM);
            List<String> violations = HistoryChecks.timestampViolations(run.ops(), Semantics.REGULAR);
            if (!violations.isEmpty()) {
                fail("the safety argument for the eternal phase is wrong: " + run.shape() + "\n" + violations + "\n" + describe(run));
            }
        }
    }

    /** Every fourth history is hostile: the correct algorithm must pass the schedules that catch mutants. */
    private static Profile profile(long seed) {
        return seed % 4 == 0 ? Profile.HOSTILE : Profile.NORMAL;
    }

    private interface Verdict {
        boolean caught(Run run);
    }

    private static long firstCaught(Semantics semantics, Mutation mutation, Verdict verdict) throws Exception {
        for (long seed = 1; seed <= MUTANT_SEEDS; seed++) {
            Run run = HistoryScenario.run(seed, Profile.HOSTILE, semantics, mutation);
            if (verdict.caught(run)) {
                System.out.println(mutation + " caught at " + run.shape() + "\n" + HistoryChecks.timestampViolations(run.ops(), semantics));
                return seed;
            }
        }
        return fail("the checker missed mutant " + mutation + " on " + MUTANT_SEEDS + " seeds");
    }

    private static void assertLive(Run run) {
        if (!run.livenessFailures().isEmpty()) {
            fail("liveness failure at " + run.shape() + ": " + run.livenessFailures());
        }
    }

    private static String describe(Run run) {
        StringBuilder out = new StringBuilder();
        run.ops().forEach(op -> out.append("  ").append(op).append('\n'));
        return out.toString();
    }
}
