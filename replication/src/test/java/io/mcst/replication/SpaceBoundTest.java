package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/algorithm.md, Space: garbage collection bounds what each store holds per key. */
class SpaceBoundTest {
    private static final String KEY = "topic/0/00000000000000000042.avro";
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final List<MemoryStore> stores = IntStream.range(0, 3).mapToObj(i -> new MemoryStore("s" + i)).toList();
    private final List<ReplicatedStore> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(ReplicatedStore::close);
    }

    private ReplicatedStore client(Semantics semantics) {
        List<KeyValueStore> views = stores.stream().<KeyValueStore>map(store -> new ClientView(store, 0, 0)).toList();
        ReplicatedStore client = new ReplicatedStore(views, ReplicationOptions.defaults().withSemantics(semantics));
        clients.add(client);
        return client;
    }

    /** The blobs a store holds for {@link #KEY}: its temporary keys and its eternal key. */
    private static List<String> blobsOf(MemoryStore store) {
        return store.list(KeyLayout.escape(KEY) + "/");
    }

    private void drain() throws InterruptedException {
        for (ReplicatedStore client : clients) {
            assertThat(client.awaitBackgroundWork(DRAIN)).as("background work drained").isTrue();
        }
    }

    @Test
    void sequentialWritesLeaveTwoBlobsPerStore() throws Exception {
        ReplicatedStore client = client(Semantics.ATOMIC);
        for (int i = 0; i < 20; i++) {
            client.put(KEY, ("value " + i).getBytes());
            drain();
            for (MemoryStore store : stores) {
                assertThat(blobsOf(store)).as("%s after write %d", store.name(), i).hasSize(2).contains(KeyLayout.eternalKey(KeyLayout.escape(KEY)));
            }
        }
        client.remove(KEY);
        drain();
        stores.forEach(store -> assertThat(blobsOf(store)).as("a tombstone and the eternal key").hasSize(2));
    }

    /**
     * Each write drains before the next: a write returns at a quorum, and a next write that lists a store
     * before the previous write's copy landed there cannot collect that copy (a straggler's orphan, left for
     * a later write: docs/algorithm.md, Space), so without the drain the count would depend on thread timing.
     */
    @Test
    void aLargeValueIsStoredOncePerStore() throws Exception {
        ReplicatedStore client = client(Semantics.REGULAR);
        byte[] value = new byte[256 * 1024];
        new Random(3).nextBytes(value);
        for (int i = 0; i < 3; i++) {
            value[0] = (byte) i;
            client.put(KEY, value);
            drain();
        }
        for (MemoryStore store : stores) {
            List<String> blobs = blobsOf(store);
            assertThat(blobs).hasSize(2);
            long carrying = blobs.stream().filter(key -> store.get(key).orElseThrow().length > Blob.HEADER_BYTES).count();
            assertThat(carrying).as("blobs carrying the value at %s", store.name()).isEqualTo(1);
            int bytes = blobs.stream().mapToInt(key -> store.get(key).orElseThrow().length).sum();
            assertThat(bytes).isEqualTo(value.length + 2 * Blob.HEADER_BYTES);
        }
        assertThat(client.get(KEY)).hasValueSatisfying(read -> assertThat(read).isEqualTo(value));
    }

    /** Drained before the next write for the reason {@link #aLargeValueIsStoredOncePerStore} gives: a write-back is a put too. */
    @Test
    void atomicReadsWriteBackButTheNextWriteCollectsIt() throws Exception {
        ReplicatedStore writer = client(Semantics.ATOMIC);
        ReplicatedStore reader = client(Semantics.ATOMIC);
        writer.put(KEY, "v1".getBytes());
        for (int i = 0; i < 5; i++) {
            assertThat(reader.get(KEY)).hasValueSatisfying(v -> assertThat(v).isEqualTo("v1".getBytes()));
        }
        drain();
        writer.put(KEY, "v2".getBytes());
        drain();
        stores.forEach(store -> assertThat(blobsOf(store)).hasSize(2));
    }

    @Test
    void aBurstOfConcurrentWritersIsCollectedByTheNextSoloWrite() throws Exception {
        int writers = 4;
        List<FaultInjectingStore> slow = stores.stream().map(FaultInjectingStore::new).toList();
        for (int i = 0; i < slow.size(); i++) {
            slow.get(i).delayRandomly(Duration.ofMillis(3), i);
        }
        List<ReplicatedStore> burst = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<KeyValueStore> views = slow.stream().<KeyValueStore>map(store -> new ClientView(store, 0, 0)).toList();
            ReplicatedStore client = new ReplicatedStore(views, ReplicationOptions.defaults());
            clients.add(client);
            burst.add(client);
        }
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (ReplicatedStore client : burst) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        client.put(KEY, (client.clientId() + i).getBytes());
                    }
                    return null;
                }));
            }
            for (Future<?> writer : done) {
                writer.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        drain();
        for (MemoryStore store : stores) {
            // The eternal key, plus at most one uncollected version per writer of the burst.
            assertThat(blobsOf(store)).as("after the burst at %s", store.name()).hasSizeLessThanOrEqualTo(writers + 2);
        }
        ReplicatedStore solo = client(Semantics.ATOMIC);
        solo.put(KEY, "after the burst".getBytes());
        drain();
        stores.forEach(store -> assertThat(blobsOf(store)).as("after one solo write at %s", store.name()).hasSize(2));
        assertThat(solo.get(KEY)).hasValueSatisfying(v -> assertThat(v).isEqualTo("after the burst".getBytes()));
    }
}
