package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The schedule that separates a write waiting for a quorum of acknowledgements from one that returns after
 * the first ({@link Mutation#RETURN_AFTER_ONE_ACK}), built by hand so no thread timing decides it: the
 * writer's copies reach store s0 only; a later reader's quorum is {s1, s2}. The broken write returns, the
 * read then misses it, and the regularity check must say so; the correct write cannot return (it has no
 * quorum), so the same schedule has no violation.
 */
class OneAckWriteScheduleTest {
    private static final String KEY = "register";

    @Test
    void theRegularityCheckCatchesAWriteThatReturnsAfterOneAck() {
        List<String> violations = HistoryChecks.timestampViolations(runSchedule(Mutation.RETURN_AFTER_ONE_ACK), Semantics.REGULAR);
        assertThat(violations).as("violations of the broken variant").anySatisfy(v -> assertThat(v).startsWith("(b)"));
    }

    @Test
    void theCorrectWriteOnTheSameScheduleStaysRegular() {
        List<History.Op> ops = runSchedule(Mutation.NONE);
        assertThat(ops).filteredOn(op -> op.type() == History.Type.WRITE).allSatisfy(op -> assertThat(op.completed()).isFalse());
        assertThat(HistoryChecks.timestampViolations(ops, Semantics.REGULAR)).isEmpty();
    }

    private static List<History.Op> runSchedule(Mutation mutation) {
        List<MemoryStore> shared = List.of(new MemoryStore("s0"), new MemoryStore("s1"), new MemoryStore("s2"));
        CountDownLatch release = new CountDownLatch(1);
        ReplicationOptions options = ReplicationOptions.defaults()
                .withSemantics(Semantics.REGULAR)
                .withFaultTolerance(1)
                .withPhaseTimeout(Duration.ofSeconds(2));
        // The writer lists and reads everywhere, but its puts reach s0 only (the others hang until the end).
        ReplicatedStore writer = new ReplicatedStore(List.of(
                new FaultInjectingStore(shared.get(0)), new PutsHang(shared.get(1), release), new PutsHang(shared.get(2), release)),
                options, mutation);
        // The reader cannot reach s0, so its quorum is {s1, s2}.
        FaultInjectingStore readersS0 = new FaultInjectingStore(shared.get(0));
        readersS0.crash();
        ReplicatedStore reader = new ReplicatedStore(List.of(
                readersS0, new FaultInjectingStore(shared.get(1)), new FaultInjectingStore(shared.get(2))), options);
        History history = new History();
        try {
            try {
                history.write(0, writer.clientId(), "v1", () -> writer.write(KEY, Kind.VALUE, "v1".getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException noQuorum) {
                // the correct write: recorded as pending, it may or may not take effect
            }
            history.read(1, reader.clientId(), () -> reader.read(KEY));
            return history.ops();
        } finally {
            release.countDown();
            writer.close();
            reader.close();
        }
    }

    /** A store whose puts never arrive until released; lists and gets answer at once. */
    private static final class PutsHang extends ForwardingKeyValueStore {
        private final CountDownLatch release;

        PutsHang(KeyValueStore delegate, CountDownLatch release) {
            super(delegate);
            this.release = release;
        }

        @Override
        public void put(String key, byte[] value) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            super.put(key, value);
        }
    }
}
