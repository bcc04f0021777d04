package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour under faults: what users rely on when clouds crash, stall, slow down or return bad bytes. */
class ReplicatedStoreTest {
    /** Far above what any operation here needs; a hang fails the test instead of the build. */
    private static final Duration GENEROUS = Duration.ofSeconds(90);

    private final List<MemoryStore> memory = new ArrayList<>();
    private final List<FaultInjectingStore> faulty = new ArrayList<>();
    private ReplicatedStore store;

    @AfterEach
    void close() {
        faulty.forEach(FaultInjectingStore::heal);
        if (store != null) {
            store.close();
        }
    }

    private ReplicatedStore open(int n, ReplicationOptions options) {
        for (int i = 0; i < n; i++) {
            memory.add(new MemoryStore("s" + i));
            faulty.add(new FaultInjectingStore(memory.get(i)));
        }
        store = new ReplicatedStore(faulty, options);
        return store;
    }

    @Test
    void faultToleranceMustStayBelowHalfTheStores() {
        List<KeyValueStore> three = IntStream.range(0, 3).<KeyValueStore>mapToObj(i -> new MemoryStore("m" + i)).toList();
        assertThatThrownBy(() -> new ReplicatedStore(three, ReplicationOptions.defaults().withFaultTolerance(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t=2").hasMessageContaining("0..1");
        assertThatThrownBy(() -> new ReplicatedStore(List.of(), ReplicationOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one store");
        assertThat(ReplicationOptions.defaults().faultToleranceFor(5)).isEqualTo(2);
        assertThat(ReplicationOptions.defaults().faultToleranceFor(4)).isEqualTo(1);
        assertThat(ReplicationOptions.defaults().faultToleranceFor(1)).isZero();
    }

    @Test
    void tCrashedStoresDoNotStopAnyOperation() {
        open(5, ReplicationOptions.defaults());
        faulty.get(1).crash();
        faulty.get(3).crash();
        assertTimeoutPreemptively(GENEROUS, () -> roundTrips(30));
    }

    @Test
    void tStalledStoresDoNotDelayAnyOperationBeyondTheQuorum() {
        // A small queue: the stalled stores' calls pile up, then fail at once instead of exhausting memory.
        open(5, ReplicationOptions.defaults().withQueuePerStore(2, 8));
        faulty.get(0).stall();
        faulty.get(4).stall();
        assertTimeoutPreemptively(GENEROUS, () -> roundTrips(60));
    }

    /**
     * Many callers at healthy but slow stores, with the default options: their calls queue for the store's
     * threads (64) instead of overflowing the queue and failing as if the stores had not answered.
     */
    @Test
    void manyCallersAtSlowHealthyStoresQueueRatherThanFail() throws Exception {
        open(3, ReplicationOptions.defaults());
        faulty.forEach(store -> store.delay(Duration.ofMillis(20)));
        int callers = 1000; // each write sends two calls per store at once: 2,000 calls for 64 threads
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String key = "caller-" + i;
                done.add(pool.submit(() -> {
                    start.await();
                    store.put(key, key.getBytes(StandardCharsets.UTF_8));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> put : done) {
                put.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < callers; i += 37) {
            byte[] expected = ("caller-" + i).getBytes(StandardCharsets.UTF_8);
            assertThat(store.get("caller-" + i)).hasValueSatisfying(value -> assertThat(value).isEqualTo(expected));
        }
    }

    @Test
    void aStalledStorePinsAtMostItsByteBoundWhileLargePutsCompleteAtTheQuorum() throws Exception {
        long bound = 32L << 20;
        open(3, ReplicationOptions.defaults().withMaxPendingBytesPerStore(bound));
        faulty.get(2).stall();
        int value = 4 << 20;
        int puts = 48; // 192 MiB offered to the stalled store, six times its bound
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < puts; i++) {
                byte[] bytes = new byte[value];
                Arrays.fill(bytes, (byte) i);
                String key = "big-" + (i % 4);
                done.add(callers.submit(() -> {
                    store.put(key, bytes);
                    assertThat(store.pendingBytes(2)).isLessThanOrEqualTo(bound);
                    return null;
                }));
            }
            for (Future<?> put : done) {
                put.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(store.pendingBytes(2)).as("the stalled store holds puts up to its bound, no more")
                .isGreaterThan(bound - 2L * value).isLessThanOrEqualTo(bound);
        for (int k = 0; k < 4; k++) {
            byte[] read = store.get("big-" + k).orElseThrow();
            assertThat(read).hasSize(value);
            assertThat(read[0]).isEqualTo(read[value - 1]);
        }
    }

    @Test
    void aVerySlowStoreDoesNotDelayOperations() {
        open(3, ReplicationOptions.defaults());
        faulty.get(2).delay(Duration.ofHours(1));
        assertTimeoutPreemptively(GENEROUS, () -> roundTrips(10));
    }

    @Test
    void flakyStoresWithinTheToleranceAreMasked() {
        open(5, ReplicationOptions.defaults());
        faulty.get(0).flaky(0.5, 1);
        faulty.get(2).flaky(0.9, 2);
        assertTimeoutPreemptively(GENEROUS, () -> roundTrips(30));
    }

    @Test
    void moreThanTFailuresFailTheOperationNamingEachStore() {
        open(3, ReplicationOptions.defaults().withPhaseTimeout(Duration.ofMillis(500)));
        store.put("k", utf8("v"));
        faulty.get(0).crash();
        faulty.get(2).stall();
        assertThatThrownBy(() -> store.put("k", utf8("w")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("put 'k'")
                .hasMessageContaining("s0: StoreUnavailableException: store 's0': injected crash")
                .hasMessageContaining("s2: no answer within");
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("get 'k'");
        assertThatThrownBy(() -> store.list("")).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void corruptAnswersCountAsNoAnswerNeverAsNotFound() throws Exception {
        open(3, ReplicationOptions.defaults());
        store.put("k", utf8("precious"));
        assertThat(store.awaitBackgroundWork(GENEROUS)).as("every store holds both copies").isTrue();
        faulty.get(0).corrupt(7);
        assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("precious")));
        faulty.get(1).crash();
        // One good store left of three: corruption must not pass for "absent" or "old".
        assertThatThrownBy(() -> store.get("k"))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("StoreCorruptionException");
    }

    @Test
    void readRepairRewritesACorruptTemporaryCopy() throws Exception {
        // A thin eternal copy, so the read fetches the temporary copy from every store.
        open(3, ReplicationOptions.defaults().withSemantics(Semantics.REGULAR).withInlineMaxBytes(0));
        byte[] value = new byte[1000];
        new Random(5).nextBytes(value);
        store.put("k", value);
        assertThat(store.awaitBackgroundWork(GENEROUS)).isTrue();
        String temporary = memory.get(1).list("k/t/").get(0);
        byte[] good = memory.get(1).get(temporary).orElseThrow();
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        memory.get(0).put(temporary, bad);
        assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        assertThat(store.awaitBackgroundWork(GENEROUS)).isTrue();
        assertThat(memory.get(0).get(temporary)).hasValueSatisfying(repaired -> assertThat(repaired).isEqualTo(good));
    }

    @Test
    void instancesSharingStoresWriteConcurrentlyWithDistinctTimestamps() throws Exception {
        List<MemoryStore> shared = IntStream.range(0, 3).mapToObj(i -> new MemoryStore("s" + i)).toList();
        List<ReplicatedStore> clients = IntStream.range(0, 4)
                .mapToObj(c -> new ReplicatedStore(shared.stream().map(s -> new ClientView(s, 0, c)).toList(), ReplicationOptions.defaults()))
                .toList();
        try {
            assertThat(clients.stream().map(ReplicatedStore::clientId).distinct()).hasSize(4);
            List<Thread> threads = new ArrayList<>();
            List<Timestamp> written = java.util.Collections.synchronizedList(new ArrayList<>());
            for (ReplicatedStore client : clients) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 10; i++) {
                        written.add(client.write("shared", Kind.VALUE, utf8(client.clientId() + "/" + i)));
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join(GENEROUS.toMillis());
            }
            assertThat(written).hasSize(40).doesNotHaveDuplicates();
            Versioned last = clients.get(0).read("shared");
            assertThat(last.ts()).isEqualTo(written.stream().max(Timestamp::compareTo).orElseThrow());
            assertThat(new String(last.value(), StandardCharsets.UTF_8)).startsWith(last.ts().clientId() + "/");
        } finally {
            clients.forEach(ReplicatedStore::close);
        }
    }

    @Test
    void threadsSharingOneInstanceWriteWithDistinctTimestamps() throws Exception {
        open(3, ReplicationOptions.defaults());
        List<Timestamp> written = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    written.add(store.write("one-key", Kind.VALUE, utf8("v" + i)));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(GENEROUS.toMillis());
        }
        // One client id: only the counters can tell these writes apart, and they must.
        assertThat(written).hasSize(120).doesNotHaveDuplicates();
    }

    @Test
    void keysTooLongOnceEscapedAreRejected() {
        open(1, ReplicationOptions.defaults());
        assertThatThrownBy(() -> store.put("/".repeat(400), utf8("v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long");
    }

    @Test
    void removedKeysAreNotFoundAndNotListed() {
        open(3, ReplicationOptions.defaults());
        store.put("a", utf8("1"));
        store.put("ab", utf8("2"));
        store.put("a/b", utf8("3"));
        store.remove("ab");
        assertThat(store.get("ab")).isEmpty();
        assertThat(store.list("a")).containsExactly("a", "a/b");
        assertThat(store.list("a/")).containsExactly("a/b");
        store.put("ab", utf8("back"));
        assertThat(store.list("a")).containsExactly("a", "a/b", "ab");
    }

    /** Writes, overwrites, reads and removes keys of several sizes, checking every byte. */
    private void roundTrips(int count) {
        Random random = new Random(count);
        for (int i = 0; i < count; i++) {
            String key = "key-" + (i % 7);
            byte[] value = new byte[random.nextInt(3) == 0 ? 100_000 : random.nextInt(200)];
            random.nextBytes(value);
            store.put(key, value);
            assertThat(store.get(key)).as("get %s after put %d", key, i).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
            if (i % 5 == 4) {
                store.remove(key);
                assertThat(store.get(key)).isEmpty();
            }
        }
        assertThat(store.list("key-")).isNotEmpty().allMatch(key -> key.startsWith("key-"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
