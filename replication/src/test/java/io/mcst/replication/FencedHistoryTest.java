package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mcst.replication.FencedHistoryScenario.Run;
import io.mcst.replication.HistoryScenario.Profile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fenced writers (docs/algorithm.md, Fencing) in seeded histories on virtual time: a zombie holding an older
 * epoch keeps writing while one owner, or two at about the same time, take over, under up to t faulty
 * stores, replicated and erasure-coded ({@link FencedHistoryScenario} lists the checks). A failure names the
 * seed and how to replay it ({@value HistoryScenario#REPLAY_PROPERTY}).
 */
class FencedHistoryTest {
    private static final int HISTORIES = 2_000;
    private static final int MUTANT_SEEDS = 200;
    private static final int FAILURES_REPORTED = 10;

    @Test
    void afterATakeoverNoReadReturnsAZombieVersionAndEveryLaterZombieWriteAborts() {
        List<String> failures = new ArrayList<>();
        int operations = 0;
        int fencedOff = 0;
        for (long seed : HistoryScenario.seeds(HISTORIES)) {
            Run run = FencedHistoryScenario.run(seed, profile(seed), seed % 2 == 0, false);
            HistoryLog.writeIfAsked("FencedHistoryTest", seed, run.ops());
            List<String> problems = new ArrayList<>(run.fencingViolations());
            run.livenessFailures().forEach(failure -> problems.add("liveness: " + failure));
            if (!HistoryChecks.isLinearizable(run.ops())) {
                problems.add("not linearizable");
            }
            if (!problems.isEmpty() && failures.size() < FAILURES_REPORTED) {
                failures.add(report(run, problems));
            }
            operations += run.ops().size();
            fencedOff += run.writesFencedOff();
        }
        System.out.printf("fenced: %d histories, %d operations, %d fenced writes aborted%n", HISTORIES, operations, fencedOff);
        assertThat(fencedOff).as("fenced writes aborted: the histories reach the case they are for").isGreaterThan(HISTORIES / 4);
        if (!failures.isEmpty()) {
            fail("fencing failed at " + failures.size() + " seeds:\n" + String.join("\n", failures));
        }
    }

    /** Proof that the fencing checks can fail: a zombie that writes unfenced after its takeover is caught. */
    @Test
    void aZombieIgnoringItsFenceIsCaught() {
        for (long seed : HistoryScenario.seeds(MUTANT_SEEDS)) {
            Run run = FencedHistoryScenario.run(seed, Profile.HOSTILE, seed % 2 == 0, true);
            if (!run.fencingViolations().isEmpty()) {
                System.out.println("a zombie ignoring its fence caught at " + run.shape() + "\n" + run.fencingViolations());
                return;
            }
        }
        fail("the fencing checks missed a zombie that ignores its fence on " + MUTANT_SEEDS + " seeds");
    }

    private static Profile profile(long seed) {
        return seed % 4 == 0 ? Profile.HOSTILE : seed % 4 == 2 ? Profile.CRASHING : Profile.NORMAL;
    }

    private static String report(Run run, List<String> problems) {
        StringBuilder out = new StringBuilder("seed ").append(run.seed()).append(": ").append(run.shape()).append('\n');
        problems.forEach(problem -> out.append("  ").append(problem).append('\n'));
        out.append("  history:\n");
        run.ops().forEach(op -> out.append("    ").append(op).append('\n'));
        out.append("  replay: mvn -B -o verify -pl replication -am -DskipITs -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest='FencedHistoryTest#afterATakeoverNoReadReturnsAZombieVersionAndEveryLaterZombieWriteAborts' -D")
                .append(HistoryScenario.REPLAY_PROPERTY).append('=').append(run.seed()).append('\n');
        return out.toString();
    }
}
