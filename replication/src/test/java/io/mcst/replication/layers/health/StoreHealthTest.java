package io.mcst.replication.layers.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.LogCapture;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An operator reads one WARN when a store goes down and one INFO when it is back, each saying what it means
 * for the quorum, and a metric follows the same transitions; repeated failures add nothing.
 */
class StoreHealthTest {
    private static final String LOGGER = "[main] %s io.mcst.replication.layers.health.StoreHealth - ";

    private final StoreHealth health = new StoreHealth(3, 2);
    private final FaultInjectingStore b = new FaultInjectingStore(new MemoryStore("b"));
    private final FaultInjectingStore c = new FaultInjectingStore(new MemoryStore("c"));
    private final List<Boolean> bSignals = new CopyOnWriteArrayList<>();
    private final List<Boolean> cSignals = new CopyOnWriteArrayList<>();

    private static void failsTimes(KeyValueStore store, int times) {
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void aStoreGoingDownAndComingBackIsOneWarnAndOneInfoAndOneSignalEach() {
        health.track(new MemoryStore("a"), up -> {});
        KeyValueStore trackedB = health.track(b, bSignals::add);
        health.track(c, up -> {});
        trackedB.put("k", new byte[] {1});
        b.crash();

        assertThat(LogCapture.stderrOf(() -> failsTimes(trackedB, StoreHealth.FAILURES_TO_DOWN - 1)))
                .as("fewer failures in a row than an outage takes").isEmpty();
        assertThat(bSignals).isEmpty();
        String down = LogCapture.stderrOf(() -> failsTimes(trackedB, 1 + 20));
        assertThat(down.lines()).containsExactly(LOGGER.formatted("WARN") + "store 'b' is down: 2 of 3 stores answer, "
                + "quorum 2 holds; reads and writes continue. Its last error: store 'b': injected crash: get k");
        assertThat(bSignals).containsExactly(false);
        assertThat(health.storesUp()).isEqualTo(2);

        b.heal();
        String back = LogCapture.stderrOf(() -> {
            for (int i = 0; i < 20; i++) {
                assertThat(trackedB.get("k")).isPresent();
            }
        });
        assertThat(back.lines()).containsExactly(LOGGER.formatted("INFO") + "store 'b' is back: 3 of 3 stores answer, quorum 2 holds");
        assertThat(bSignals).containsExactly(false, true);
        assertThat(health.storesUp()).isEqualTo(3);
    }

    @Test
    void theLinesSayWhenTheQuorumIsLostAndWhenItHoldsAgain() {
        health.track(new MemoryStore("a"), up -> {});
        KeyValueStore trackedB = health.track(b, bSignals::add);
        KeyValueStore trackedC = health.track(c, cSignals::add);
        b.crash();
        c.crash();
        String down = LogCapture.stderrOf(() -> {
            failsTimes(trackedB, StoreHealth.FAILURES_TO_DOWN);
            failsTimes(trackedC, StoreHealth.FAILURES_TO_DOWN);
        });
        assertThat(down.lines()).containsExactly(
                LOGGER.formatted("WARN") + "store 'b' is down: 2 of 3 stores answer, quorum 2 holds; reads and writes "
                        + "continue. Its last error: store 'b': injected crash: get k",
                LOGGER.formatted("WARN") + "store 'c' is down: 1 of 3 stores answer, quorum 2 is lost; reads and writes "
                        + "cannot complete until another store answers. Its last error: store 'c': injected crash: get k");

        c.heal();
        assertThat(LogCapture.stderrOf(() -> trackedC.list(""))).isEqualTo(LOGGER.formatted("INFO")
                + "store 'c' is back: 2 of 3 stores answer, quorum 2 holds again; reads and writes resume" + System.lineSeparator());
        assertThat(bSignals).containsExactly(false);
        assertThat(cSignals).containsExactly(false, true);
    }

    /** Calls that hung through an outage and fail after the store came back must not take it down again. */
    @Test
    void callsThatBeganBeforeTheStoreCameBackDoNotCount() throws Exception {
        CountDownLatch hung = new CountDownLatch(StoreHealth.FAILURES_TO_DOWN);
        CountDownLatch release = new CountDownLatch(1);
        KeyValueStore hanging = new ForwardingKeyValueStore(b) {
            @Override
            public Optional<byte[]> get(String key) {
                if (key.startsWith("hung")) {
                    hung.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.get(key);
            }
        };
        KeyValueStore trackedB = health.track(hanging, bSignals::add);
        ExecutorService threads = Executors.newFixedThreadPool(StoreHealth.FAILURES_TO_DOWN);
        try {
            List<Future<?>> hungCalls = new ArrayList<>();
            for (int i = 0; i < StoreHealth.FAILURES_TO_DOWN; i++) {
                hungCalls.add(threads.submit(() -> trackedB.get("hung")));
            }
            assertThat(hung.await(30, TimeUnit.SECONDS)).isTrue();
            b.crash();
            failsTimes(trackedB, StoreHealth.FAILURES_TO_DOWN);
            b.heal();
            trackedB.get("k");
            assertThat(bSignals).containsExactly(false, true);

            b.crash(); // the hung calls fail now, as they would at their timeout
            release.countDown();
            for (Future<?> call : hungCalls) {
                assertThatThrownBy(call::get).hasCauseInstanceOf(StoreUnavailableException.class);
            }
            assertThat(bSignals).containsExactly(false, true);
            assertThat(health.storesUp()).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Through replication: the operations go on over the quorum, and the outage is one line, not one per call. */
    @Test
    void anOutageUnderAReplicatedStoreIsOneLineWhileOperationsContinue() throws Exception {
        MemoryStore a = new MemoryStore("a");
        try (ReplicatedStore replicated = new ReplicatedStore(List.of(health.track(a, up -> {}),
                health.track(b, bSignals::add), health.track(c, up -> {})), ReplicationOptions.defaults())) {
            b.crash();
            String log = LogCapture.stderrOf(() -> {
                for (int i = 0; i < 30; i++) {
                    byte[] value = {(byte) i};
                    replicated.put("k" + i, value);
                    assertThat(replicated.get("k" + i)).hasValueSatisfying(read -> assertThat(read).isEqualTo(value));
                }
            });
            // Logged by whichever thread saw the third failure.
            assertThat(log.lines()).singleElement().asString().contains(" WARN io.mcst.replication.layers.health.StoreHealth - store 'b' is down: "
                    + "2 of 3 stores answer, quorum 2 holds; reads and writes continue.");
            assertThat(bSignals).containsExactly(false);
        }
    }
}
