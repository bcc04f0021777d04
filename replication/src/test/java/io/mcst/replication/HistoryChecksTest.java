package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.History.Op;
import io.mcst.replication.History.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The judges themselves, on small histories whose verdict is known by hand. */
class HistoryChecksTest {
    private static final String A = "a".repeat(32);
    private static final String B = "b".repeat(32);
    private static final Timestamp T1 = new Timestamp(1, A);
    private static final Timestamp T2 = new Timestamp(2, B);

    private static Op write(String clientId, long start, long end, String value, Timestamp ts) {
        return new Op(clientId.equals(A) ? 0 : 1, clientId, Type.WRITE, start, end, value, ts);
    }

    private static Op read(long start, long end, String value, Timestamp ts) {
        return new Op(2, "c".repeat(32), Type.READ, start, end, value, ts);
    }

    @Test
    void sequentialHistoryPasses() {
        List<Op> history = List.of(write(A, 1, 2, "x", T1), read(3, 4, "x", T1), write(B, 5, 6, "y", T2), read(7, 8, "y", T2));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.ATOMIC)).isEmpty();
        assertThat(HistoryChecks.isLinearizable(history)).isTrue();
    }

    @Test
    void staleReadFailsBoth() {
        List<Op> history = List.of(write(A, 1, 2, "x", T1), write(B, 3, 4, "y", T2), read(5, 6, "x", T1));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.REGULAR)).anyMatch(v -> v.startsWith("(b)"));
        assertThat(HistoryChecks.isLinearizable(history)).isFalse();
    }

    @Test
    void newOldInversionIsRegularButNotAtomic() {
        // A write that never returned; the first read sees it, a later read does not.
        List<Op> history = List.of(write(A, 1, 2, "x", T1), write(B, 3, History.PENDING, "y", null),
                read(4, 5, "y", T2), read(6, 7, "x", T1));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.REGULAR)).isEmpty();
        assertThat(HistoryChecks.timestampViolations(history, Semantics.ATOMIC)).anyMatch(v -> v.startsWith("(d)"));
        assertThat(HistoryChecks.isLinearizable(history)).isFalse();
    }

    @Test
    void concurrentReadsMayReturnEitherValue() {
        List<Op> history = List.of(write(A, 1, 2, "x", T1), write(B, 3, 10, "y", T2),
                read(4, 5, "y", T2), read(4, 8, "x", T1), read(11, 12, "y", T2));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.REGULAR)).isEmpty();
        assertThat(HistoryChecks.isLinearizable(history)).isTrue();
    }

    @Test
    void pendingWriteMayNeverTakeEffect() {
        List<Op> history = List.of(write(A, 1, 2, "x", T1), write(B, 3, History.PENDING, "y", null), read(4, 5, "x", T1));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.ATOMIC)).isEmpty();
        assertThat(HistoryChecks.isLinearizable(history)).isTrue();
    }

    @Test
    void valueFromTheFutureFailsBoth() {
        List<Op> history = List.of(read(1, 2, "y", T2), write(B, 3, 4, "y", T2));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.REGULAR)).anyMatch(v -> v.startsWith("(a)"));
        assertThat(HistoryChecks.isLinearizable(history)).isFalse();
    }

    @Test
    void readOfTheWrongValueForATimestampFails() {
        List<Op> history = List.of(write(A, 1, 2, "x", T1), read(3, 4, "z", T1));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.REGULAR)).anyMatch(v -> v.startsWith("(c)"));
        assertThat(HistoryChecks.isLinearizable(history)).isFalse();
    }

    @Test
    void removedRegisterReadsAsAbsent() {
        List<Op> history = List.of(write(A, 1, 2, "x", T1), write(B, 3, 4, null, T2), read(5, 6, null, T2));
        assertThat(HistoryChecks.timestampViolations(history, Semantics.ATOMIC)).isEmpty();
        assertThat(HistoryChecks.isLinearizable(history)).isTrue();
    }
}
