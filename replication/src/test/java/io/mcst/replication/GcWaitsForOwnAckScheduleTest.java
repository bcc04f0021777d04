package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule behind the GC rule of docs/algorithm.md, Write: garbage collection at a store waits until that
 * store acknowledged the write's own temporary key. Built by hand (n=3, t=1, regular, no store crash):
 * <ol>
 *   <li>write A completes everywhere, but its eternal put to s1 straggles and lands after W's;
 *   <li>write W completes at {s0,s1}, its puts to s2 held; without the rule W's GC removes A's key at s2;
 *   <li>reader R, started after W returned, lists s2 at once, its list of s1 held (s0 is out of its reach);
 *   <li>write X completes at {s0,s2}, its puts to s1 held; without the rule X's GC removes W's key at s1;
 *   <li>R's list of s1 goes through. Without the rule R sees no temporary key and the eternal copy at both
 *       stores is A's: it returns "a" although W completed before it began.
 * </ol>
 */
class GcWaitsForOwnAckScheduleTest {
    private static final String KEY = "register";
    /** Time given to a remove the rule forbids: it lands within microseconds when the rule is broken. */
    private static final Duration FORBIDDEN_REMOVE = Duration.ofMillis(500);
    private static final Duration ARRIVES = Duration.ofSeconds(30);

    private final List<MemoryStore> shared = IntStream.range(0, 3).mapToObj(i -> new MemoryStore("s" + i)).toList();
    private final List<GatedStore> gated = new ArrayList<>();
    private final List<ReplicatedStore> clients = new ArrayList<>();
    private final ReplicationOptions options = ReplicationOptions.defaults()
            .withSemantics(Semantics.REGULAR)
            .withFaultTolerance(1)
            .withPhaseTimeout(Duration.ofSeconds(30));

    @AfterEach
    void close() {
        gated.forEach(GatedStore::openAll);
        clients.forEach(ReplicatedStore::close);
    }

    @Test
    void aReadAfterACompletedWriteNeverReturnsTheValueBeforeIt() throws Exception {
        List<History.Op> ops = runSchedule(Mutation.NONE);
        History.Op read = ops.stream().filter(op -> op.type() == History.Type.READ).findFirst().orElseThrow();
        assertThat(read.value()).as("R started after W completed").isEqualTo("w");
        assertThat(HistoryChecks.timestampViolations(ops, Semantics.REGULAR)).isEmpty();
    }

    @Test
    void theScheduleCatchesGcThatDoesNotWaitForTheStoresOwnAck() throws Exception {
        List<History.Op> ops = runSchedule(Mutation.GC_BEFORE_OWN_ACK);
        assertThat(HistoryChecks.timestampViolations(ops, Semantics.REGULAR))
                .as("violations of the broken variant").anySatisfy(v -> assertThat(v).startsWith("(b)"));
    }

    private List<History.Op> runSchedule(Mutation mutation) throws Exception {
        History history = new History();
        List<GatedStore> a = views();
        GatedStore.Gate aEternalAtS1 = a.get(1).hold("put", key -> key.endsWith("/e"));
        ReplicatedStore writerA = client(a, mutation);
        history.write(0, writerA.clientId(), "a", () -> writerA.write(KEY, Kind.VALUE, utf8("a")));
        // A returns once a quorum holds each copy: its third temporary copy may still be on its way.
        for (GatedStore store : a) {
            assertThat(store.awaitDone("put", key -> key.contains("/t/"), ARRIVES)).as("A's temporary copy").isTrue();
        }

        List<GatedStore> w = views();
        w.get(2).hold("put", key -> true);
        ReplicatedStore writerW = client(w, mutation);
        history.write(1, writerW.clientId(), "w", () -> writerW.write(KEY, Kind.VALUE, utf8("w")));
        String keyOfA = KeyLayout.temporaryKey(KeyLayout.escape(KEY), ops(history).get(0).ts(), Kind.VALUE);
        assertThat(w.get(0).awaitDone("remove", keyOfA::equals, ARRIVES)).isTrue();
        assertThat(w.get(1).awaitDone("remove", keyOfA::equals, ARRIVES)).isTrue();
        w.get(2).awaitDone("remove", keyOfA::equals, FORBIDDEN_REMOVE);
        aEternalAtS1.open();
        assertThat(a.get(1).awaitDone("put", key -> key.endsWith("/e"), ARRIVES)).as("A's straggling eternal put").isTrue();

        FaultInjectingStore readersS0 = new FaultInjectingStore(shared.get(0));
        readersS0.crash();
        GatedStore readersS1 = new GatedStore(shared.get(1));
        GatedStore readersS2 = new GatedStore(shared.get(2));
        gated.addAll(List.of(readersS1, readersS2));
        GatedStore.Gate readersListAtS1 = readersS1.hold("list", prefix -> true);
        ReplicatedStore reader = new ReplicatedStore(List.of(readersS0, readersS1, readersS2), options, mutation);
        clients.add(reader);
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> history.read(3, reader.clientId(), () -> reader.read(KEY)));
        assertThat(readersS2.awaitDone("list", prefix -> true, ARRIVES)).isTrue();
        assertThat(readersS2.awaitDone("get", key -> key.endsWith("/e"), ARRIVES)).isTrue();
        readersListAtS1.awaitArrived();

        List<GatedStore> x = views();
        x.get(1).hold("put", key -> true);
        ReplicatedStore writerX = client(x, mutation);
        history.write(2, writerX.clientId(), "x", () -> writerX.write(KEY, Kind.VALUE, utf8("x")));
        String keyOfW = KeyLayout.temporaryKey(KeyLayout.escape(KEY), ops(history).get(1).ts(), Kind.VALUE);
        x.get(1).awaitDone("remove", keyOfW::equals, FORBIDDEN_REMOVE);

        readersListAtS1.open();
        read.get();
        return history.ops();
    }

    /** One client's gated views of the three shared stores. */
    private List<GatedStore> views() {
        List<GatedStore> views = shared.stream().map(GatedStore::new).toList();
        gated.addAll(views);
        return views;
    }

    private ReplicatedStore client(List<? extends KeyValueStore> views, Mutation mutation) {
        ReplicatedStore client = new ReplicatedStore(views, options, mutation);
        clients.add(client);
        return client;
    }

    /** The writes so far, in the order they were invoked. */
    private static List<History.Op> ops(History history) {
        return history.ops().stream().filter(op -> op.type() == History.Type.WRITE).toList();
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
