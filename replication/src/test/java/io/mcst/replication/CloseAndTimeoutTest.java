package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an operation in flight sees when its store closes, and what a phase that times out says. */
class CloseAndTimeoutTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Hanging> hanging = new ArrayList<>();

    @AfterEach
    void releaseHangingCalls() {
        release.countDown();
    }

    /** Stores s0..s2 over memory; the calls to s1 and s2 hang, ignoring interrupts, until the test ends. */
    private ReplicatedStore storeWithTwoHanging(Duration phaseTimeout) {
        List<KeyValueStore> stores = new ArrayList<>();
        stores.add(new MemoryStore("s0"));
        for (int i = 1; i <= 2; i++) {
            Hanging store = new Hanging(new MemoryStore("s" + i), release);
            hanging.add(store);
            stores.add(store);
        }
        return new ReplicatedStore(stores, ReplicationOptions.defaults().withFaultTolerance(1).withPhaseTimeout(phaseTimeout));
    }

    @Test
    void closeEndsOperationsInFlightWithTheClosedStoreError() throws Exception {
        ReplicatedStore store = storeWithTwoHanging(Duration.ofMinutes(10));
        CompletableFuture<Optional<byte[]>> read = CompletableFuture.supplyAsync(() -> store.get("k"));
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> store.put("k", "v".getBytes(StandardCharsets.UTF_8)));
        for (Hanging h : hanging) {
            h.arrived.await(30, TimeUnit.SECONDS);
        }
        store.close();
        for (CompletableFuture<?> operation : List.of(read, write)) {
            assertThatThrownBy(() -> operation.get(1, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("store 'replicated[s0,s1,s2]' is closed")
                    .hasMessageContaining("'k'");
        }
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    @Test
    void aPhaseTimeoutNamesOnlyTheStoresThatDidNotAnswer() {
        try (ReplicatedStore store = storeWithTwoHanging(Duration.ofMillis(300))) {
            assertThatThrownBy(() -> store.get("k"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("no 2 answers within PT0.3S, 1 of 3 stores answered")
                    .hasMessageContaining("s1: no answer within PT0.3S")
                    .hasMessageContaining("s2: no answer within PT0.3S")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s0:"));
        }
    }

    /** A store whose calls hang until released and ignore interrupts, like a stuck network call. */
    private static final class Hanging extends ForwardingKeyValueStore {
        private final CountDownLatch release;
        /** Open once a read's and a write's collect step (a list and a get each) both hang here. */
        final CountDownLatch arrived = new CountDownLatch(4);

        Hanging(KeyValueStore delegate, CountDownLatch release) {
            super(delegate);
            this.release = release;
        }

        private void hang() {
            arrived.countDown();
            boolean released = false;
            while (!released) {
                try {
                    released = release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException ignored) {
                    // a stuck network call does not notice
                }
            }
        }

        @Override
        public Optional<byte[]> get(String key) {
            hang();
            return super.get(key);
        }

        @Override
        public List<String> list(String prefix) {
            hang();
            return super.list(prefix);
        }

        @Override
        public void put(String key, byte[] value) {
            hang();
            super.put(key, value);
        }
    }
}
