package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fenced writers with epoch-major timestamps (docs/algorithm.md, Fencing): a zombie that still holds an older
 * epoch, interleaved with a takeover, under up to t crashing, stalling or slow stores.
 */
class FencingTest {
    private static final String KEY = "topic/3/index";
    private static final int HISTORIES = 100;
    private static final int CONCURRENT_TAKEOVERS = 40;

    private final List<ReplicatedStore> clients = new ArrayList<>();
    private final List<FaultInjectingStore> faulty = new ArrayList<>();

    @AfterEach
    void close() {
        faulty.forEach(FaultInjectingStore::heal);
        clients.forEach(ReplicatedStore::close);
    }

    @Test
    void theHolderWritesAndAnOlderHolderIsFencedOff() {
        List<MemoryStore> shared = stores(3);
        ReplicatedStore first = client(shared, ReplicationOptions.defaults(), 0, 0);
        Fence firstFence = first.takeover(KEY);
        assertThat(firstFence.epoch()).isEqualTo(1);
        assertThat(firstFence.value()).isEmpty();
        first.putFenced(KEY, utf8("by first"), firstFence);

        ReplicatedStore second = client(shared, ReplicationOptions.defaults(), 0, 0);
        Fence secondFence = second.takeover(KEY);
        assertThat(secondFence.epoch()).isEqualTo(2);
        assertThat(secondFence.value()).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("by first")));
        assertThatThrownBy(() -> first.putFenced(KEY, utf8("zombie"), firstFence))
                .isInstanceOfSatisfying(FencedException.class, e -> {
                    assertThat(e.key()).isEqualTo(KEY);
                    assertThat(e.heldEpoch()).isEqualTo(1);
                    assertThat(e.foundEpoch()).isEqualTo(2);
                })
                .hasMessageContaining("'" + KEY + "'").hasMessageContaining("epoch 1").hasMessageContaining("epoch 2");
        assertThatThrownBy(() -> first.removeFenced(KEY, firstFence)).isInstanceOf(FencedException.class);
        second.putFenced(KEY, utf8("by second"), secondFence);
        second.removeFenced(KEY, secondFence);
        assertThat(first.get(KEY)).isEmpty();
        second.putFenced(KEY, utf8("again"), secondFence);
        assertThat(first.get(KEY)).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("again")));
    }

    @Test
    void theIndexFenceFencesTheOwnersOtherKeys() {
        List<MemoryStore> shared = stores(3);
        ReplicatedStore zombie = client(shared, ReplicationOptions.defaults(), 0, 0);
        ReplicatedStore owner = client(shared, ReplicationOptions.defaults(), 0, 0);
        Fence zombieFence = zombie.takeover(KEY);
        zombie.putFenced("topic/3/segment-0", utf8("zombie's"), zombieFence);
        zombie.putFenced("topic/3/segment-0", utf8("zombie's again"), zombieFence);
        Fence ownerFence = owner.takeover(KEY);
        owner.putFenced("topic/3/segment-0", utf8("owner's"), ownerFence);
        owner.putFenced("topic/3/segment-1", utf8("owner's"), ownerFence);
        assertThatThrownBy(() -> zombie.putFenced("topic/3/segment-0", utf8("zombie's late"), zombieFence))
                .isInstanceOf(FencedException.class);
        assertThatThrownBy(() -> zombie.removeFenced("topic/3/segment-1", zombieFence)).isInstanceOf(FencedException.class);
        assertThat(owner.get("topic/3/segment-0")).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("owner's")));
        assertThat(owner.get("topic/3/segment-1")).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("owner's")));
    }

    @Test
    void theSameEpochTakenByAnotherWriterFencesOff() {
        List<MemoryStore> shared = stores(3);
        ReplicatedStore taker = client(shared, ReplicationOptions.defaults(), 0, 0);
        ReplicatedStore concurrentTaker = client(shared, ReplicationOptions.defaults(), 0, 0);
        taker.takeover(KEY);
        // As if both had read the key before either wrote: the second takes epoch 1 as well.
        Fence sameEpoch = new Fence(KEY, 1, concurrentTaker.clientId(), null);
        assertThatThrownBy(() -> concurrentTaker.putFenced(KEY, utf8("x"), sameEpoch))
                .isInstanceOfSatisfying(FencedException.class, e -> assertThat(e.foundEpoch()).isEqualTo(e.heldEpoch()))
                .hasMessageContaining("another writer");
    }

    @Test
    void aFenceWritesOnlyFromItsInstanceAndRejectsSequenceOverflow() {
        List<MemoryStore> shared = stores(3);
        ReplicatedStore holder = client(shared, ReplicationOptions.defaults(), 0, 0);
        ReplicatedStore other = client(shared, ReplicationOptions.defaults(), 0, 0);
        Fence fence = holder.takeover(KEY);
        assertThatThrownBy(() -> other.putFenced(KEY, utf8("x"), fence)).isInstanceOf(IllegalArgumentException.class);

        Timestamp last = new Timestamp((1L << 32) | Timestamp.MAX_SEQUENCE, holder.clientId());
        byte[] blob = Blob.full(Kind.VALUE, last, utf8("last of the epoch")).encode();
        shared.forEach(store -> store.put(KeyLayout.temporaryKey(KeyLayout.escape(KEY), last, Kind.VALUE), blob));
        assertThatThrownBy(() -> holder.putFenced(KEY, utf8("x"), fence))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("over again for a new epoch");
        assertThat(holder.takeover(KEY).epoch()).isEqualTo(2);
    }

    /**
     * A holder writes a partition's segments at once: a fenced write held at every store does not hold up one of
     * another key, and two fenced writes of one key in flight together take timestamps of their own (one
     * timestamp would give both one temporary key, holding two values).
     */
    @Test
    void fencedWritesOfOneHolderRunConcurrentlyWithTimestampsOfTheirOwn() throws Exception {
        List<MemoryStore> shared = stores(3);
        List<GatedStore> gated = shared.stream().map(GatedStore::new).toList();
        ReplicatedStore holder = new ReplicatedStore(gated, ReplicationOptions.defaults());
        clients.add(holder);
        Fence fence = holder.takeover(KEY);
        List<GatedStore.Gate> gates = gated.stream()
                .map(store -> store.hold("put", key -> key.startsWith(KeyLayout.versionPrefix(KeyLayout.escape("topic/3/segment-0")))))
                .toList();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Void> first = CompletableFuture.runAsync(
                    () -> holder.putFenced("topic/3/segment-0", utf8("first"), fence), writers);
            CompletableFuture<Void> second = CompletableFuture.runAsync(
                    () -> holder.putFenced("topic/3/segment-0", utf8("second"), fence), writers);
            for (GatedStore.Gate gate : gates) {
                gate.awaitArrived();
            }
            holder.putFenced("topic/3/segment-1", utf8("meanwhile"), fence); // would wait for the held ones under one lock
            assertThat(holder.get("topic/3/segment-1")).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("meanwhile")));
            assertThat(first).isNotDone();

            awaitTwoHeldTemporaries(shared, gated);
            gates.forEach(GatedStore.Gate::open);
            CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);
        } finally {
            gates.forEach(GatedStore.Gate::open);
            writers.shutdownNow();
        }
        assertThat(holder.get("topic/3/segment-0").map(FencingTest::utf8)).hasValueSatisfying(
                value -> assertThat(value).isIn("first", "second"));
    }

    /** Waits until both writes hold a temporary put at the first store under keys of their own; none is stored yet. */
    private static void awaitTwoHeldTemporaries(List<MemoryStore> shared, List<GatedStore> gated) throws InterruptedException {
        String prefix = KeyLayout.versionPrefix(KeyLayout.escape("topic/3/segment-0"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gated.get(0).held().stream().filter(key -> key.startsWith(prefix)).distinct().count() < 2) {
            if (System.nanoTime() > deadline) {
                fail("two writes of one key did not both reach their temporary copies; held: " + gated.get(0).held());
            }
            Thread.sleep(10);
        }
        assertThat(shared.get(0).list(prefix)).isEmpty();
    }

    /**
     * Seeded histories, n in {3, 5}, regular and atomic, replicated and erasure-coded: a zombie keeps writing
     * with epoch E while the owner takes over (E + 1) and writes, a reader reads throughout, and up to t stores
     * crash, stall or slow down at random moments. After the takeover completed, every zombie write that
     * started aborts and reads return only what the owner wrote (the value its takeover re-wrote, or later
     * ones); the owner is never fenced off.
     */
    @Test
    void aZombieIsFencedOffOnceTheTakeoverCompletes() throws Exception {
        int zombieWritesAfter = 0;
        for (long seed = 1; seed <= HISTORIES; seed++) {
            zombieWritesAfter += runHistory(seed);
            close();
            clients.clear();
            faulty.clear();
        }
        assertThat(zombieWritesAfter).as("zombie writes started after a takeover, all aborted").isGreaterThan(HISTORIES);
        System.out.printf("fencing: %d histories, %d zombie writes after the takeover, all fenced off%n", HISTORIES, zombieWritesAfter);
    }

    /**
     * Two writers take the key over at once, often with the same epoch, over slow links: once both takeovers
     * completed, fenced writes of at most one of them are acknowledged (often neither: both then retake).
     */
    @Test
    void ofTwoConcurrentTakeoversAtMostOneWritesAfterBoth() throws Exception {
        int sameEpoch = 0;
        for (long seed = 1; seed <= CONCURRENT_TAKEOVERS; seed++) {
            List<MemoryStore> shared = stores(3);
            List<ReplicatedStore> takers = List.of(client(shared, ReplicationOptions.defaults(), 50, seed),
                    client(shared, ReplicationOptions.defaults(), 50, -seed));
            takers.get(0).put(KEY, utf8("initial"));
            AtomicLong clock = new AtomicLong();
            AtomicLong bothTaken = new AtomicLong();
            List<Event> writes = Collections.synchronizedList(new ArrayList<>());
            List<Fence> fences = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch taken = new CountDownLatch(2);
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                ReplicatedStore taker = takers.get(w);
                String name = "taker" + w;
                runs.add(CompletableFuture.runAsync(() -> {
                    Fence fence = taker.takeover(KEY);
                    fences.add(fence);
                    bothTaken.accumulateAndGet(clock.incrementAndGet(), Math::max);
                    taken.countDown();
                    for (int i = 0; i < 3; i++) {
                        long start = clock.incrementAndGet();
                        try {
                            taker.putFenced(KEY, utf8(name + "-" + i), fence);
                            writes.add(new Event(start, clock.incrementAndGet(), name, "written"));
                        } catch (FencedException e) {
                            writes.add(new Event(start, clock.incrementAndGet(), name, "fenced"));
                        }
                        if (i == 0) {
                            awaitQuietly(taken);
                        }
                    }
                }));
            }
            for (CompletableFuture<Void> run : runs) {
                run.get(2, TimeUnit.MINUTES);
            }
            long after = bothTaken.get();
            assertThat(writes.stream().filter(write -> write.start() > after && write.outcome().equals("written"))
                    .map(Event::value).distinct()).as("writers acknowledged after both takeovers, seed %d", seed).hasSizeLessThanOrEqualTo(1);
            if (fences.get(0).epoch() == fences.get(1).epoch()) {
                sameEpoch++;
            }
            close();
            clients.clear();
        }
        System.out.printf("concurrent takeovers: %d pairs, %d with the same epoch%n", CONCURRENT_TAKEOVERS, sameEpoch);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Event(long start, long end, String value, String outcome) {}

    private int runHistory(long seed) throws Exception {
        Random random = new Random(seed);
        int n = random.nextBoolean() ? 3 : 5;
        int t = (n - 1) / 2;
        boolean erasure = seed % 3 == 0;
        ReplicationOptions options = ReplicationOptions.defaults()
                .withSemantics(seed % 2 == 0 ? Semantics.ATOMIC : Semantics.REGULAR)
                .withFaultTolerance(t)
                .withDataFragments(erasure ? n - 2 * t : 0)
                .withPhaseTimeout(Duration.ofSeconds(60));
        String shape = "seed=%d n=%d t=%d erasure=%s %s".formatted(seed, n, t, erasure, options.semantics());
        List<MemoryStore> shared = stores(n);
        for (MemoryStore store : shared) {
            faulty.add(new FaultInjectingStore(store));
        }
        ReplicatedStore zombie = client(faulty, options, 20, random.nextLong());
        ReplicatedStore owner = client(faulty, options, 20, random.nextLong());
        ReplicatedStore reader = client(faulty, options, 20, random.nextLong());
        Fence zombieFence = zombie.takeover(KEY);

        AtomicLong clock = new AtomicLong();
        AtomicLong takeoverEnd = new AtomicLong(Long.MAX_VALUE);
        List<Event> zombieWrites = Collections.synchronizedList(new ArrayList<>());
        List<Event> reads = Collections.synchronizedList(new ArrayList<>());
        List<String> ownerValues = Collections.synchronizedList(new ArrayList<>());
        long ownerDelay = random.nextInt(4);
        long readerSeed = random.nextLong();
        List<Runnable> storeFaults = new ArrayList<>();
        for (int f = 0; f < random.nextInt(t + 1); f++) {
            FaultInjectingStore store = faulty.get(random.nextInt(n));
            int afterMillis = random.nextInt(8);
            int kind = random.nextInt(3);
            shape += " s%s %s at %dms".formatted(store.name(), new String[] {"crashes", "stalls", "slows"}[kind], afterMillis);
            storeFaults.add(() -> {
                sleep(afterMillis);
                switch (kind) {
                    case 0 -> store.crash();
                    case 1 -> store.stall();
                    default -> store.delay(Duration.ofMillis(3));
                }
            });
        }

        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            storeFaults.forEach(threads::submit);
            CompletableFuture<Void> zombieRun = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 12; i++) {
                    String value = "zombie-" + i;
                    long start = clock.incrementAndGet();
                    String outcome;
                    try {
                        zombie.putFenced(KEY, utf8(value), zombieFence);
                        outcome = "written";
                    } catch (FencedException e) {
                        outcome = "fenced";
                    }
                    zombieWrites.add(new Event(start, clock.incrementAndGet(), value, outcome));
                    sleep(random(seed, i).nextInt(2));
                }
            }, threads);
            CompletableFuture<Void> ownerRun = CompletableFuture.runAsync(() -> {
                sleep(ownerDelay);
                Fence fence = owner.takeover(KEY);
                takeoverEnd.set(clock.incrementAndGet());
                ownerValues.add(fence.value().map(FencingTest::utf8).orElse(null));
                for (int i = 0; i < 4; i++) {
                    String value = "owner-" + i;
                    owner.putFenced(KEY, utf8(value), fence);
                    ownerValues.add(value);
                }
            }, threads);
            CompletableFuture<Void> readerRun = CompletableFuture.runAsync(() -> {
                Random pauses = new Random(readerSeed);
                for (int i = 0; i < 10; i++) {
                    long start = clock.incrementAndGet();
                    Optional<byte[]> value = reader.get(KEY);
                    reads.add(new Event(start, clock.incrementAndGet(), value.map(FencingTest::utf8).orElse(null), "read"));
                    sleep(pauses.nextInt(2));
                }
            }, threads);
            try {
                ownerRun.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                fail("the owner failed at " + shape, e);
            }
            zombieRun.get(2, TimeUnit.MINUTES);
            readerRun.get(2, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }

        long takenOver = takeoverEnd.get();
        List<Event> after = zombieWrites.stream().filter(write -> write.start() > takenOver).toList();
        assertThat(after).as("zombie writes started after the takeover at %s", shape).allMatch(write -> write.outcome().equals("fenced"));
        // The takeover wrote again the value it read, maybe a zombie's, under the new epoch: the owner resumes from it.
        assertThat(reads).as("reads started after the takeover at %s: only the takeover's or the owner's values %s", shape, ownerValues)
                .filteredOn(read -> read.start() > takenOver)
                .allMatch(read -> ownerValues.contains(read.value()));
        faulty.forEach(FaultInjectingStore::heal);
        assertThat(reader.get(KEY).map(FencingTest::utf8)).as("a quiescent read at %s", shape).contains(ownerValues.get(ownerValues.size() - 1));
        return after.size();
    }

    private static Random random(long seed, int step) {
        return new Random(seed * 31 + step);
    }

    private List<MemoryStore> stores(int n) {
        return IntStream.range(0, n).mapToObj(i -> new MemoryStore("s" + i)).toList();
    }

    private ReplicatedStore client(List<? extends KeyValueStore> shared, ReplicationOptions options, int slowPercent, long seed) {
        List<KeyValueStore> views = shared.stream().<KeyValueStore>map(store -> new ClientView(store, slowPercent, seed)).toList();
        ReplicatedStore client = new ReplicatedStore(views, options);
        clients.add(client);
        return client;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
