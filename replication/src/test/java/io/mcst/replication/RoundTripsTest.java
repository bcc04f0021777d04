package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an uncontended operation waits for (docs/algorithm.md, Write and Read), shown with stores that make one
 * call wait until another has been sent: a store that answers a list only once the read's get has reached it
 * stalls an implementation that gets only after listing, so these tests fail on any extra round trip rather
 * than on timing. Each one also counts the calls per store.
 */
class RoundTripsTest {
    /** How long a held call waits for the call it needs; only an implementation with an extra round waits it out. */
    private static final Duration HOLD = Duration.ofSeconds(10);
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final String KEY = "k";
    /** Values above this get a thin eternal copy here. */
    private static final int INLINE = 16;

    private final List<MemoryStore> memory = IntStream.range(0, 3).mapToObj(i -> new MemoryStore("s" + i)).toList();
    private final Calls calls = new Calls();
    private final List<ReplicatedStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(ReplicatedStore::close);
    }

    @ParameterizedTest
    @EnumSource(Semantics.class)
    void aReadOfAnInlineValueListsAndGetsTheEternalCopyInOneRound(Semantics semantics) throws Exception {
        ReplicatedStore store = open(semantics, Variant.CORRECT);
        byte[] value = bytes(INLINE, 1);
        store.put(KEY, value);
        settle(store);
        // A list answers only once this store was also asked for the eternal copy.
        calls.before(call -> call.op().equals("list"), call -> calls.awaitStarted(call.store(), Calls::eternalGet));
        long rounds = store.readRounds();

        assertThat(store.get(KEY)).hasValueSatisfying(found -> assertThat(found).isEqualTo(value));
        assertThat(store.readRounds() - rounds).isEqualTo(1);
        assertThat(store.awaitBackgroundWork(GENEROUS)).isTrue();
        for (MemoryStore s : memory) {
            assertThat(calls.started(s.name())).as(s.name()).extracting(Call::kind).containsExactlyInAnyOrder("list", "get eternal");
        }
    }

    /**
     * A large value's eternal copy is thin: it names the temporary key that holds the value. The read asks for
     * that key as soon as the first thin eternal copy arrives, beside the lists, and the round uses those gets.
     */
    @ParameterizedTest
    @EnumSource(Semantics.class)
    void aReadOfAThinEternalAsksForTheTemporaryKeyItNamesWhileTheListsRun(Semantics semantics) throws Exception {
        ReplicatedStore store = open(semantics, Variant.CORRECT);
        byte[] value = bytes(100, 2);
        store.put(KEY, value);
        settle(store);
        calls.before(call -> call.op().equals("list"), call -> calls.awaitStarted(call.store(), Calls::temporaryGet));
        long rounds = store.readRounds();

        assertThat(store.get(KEY)).hasValueSatisfying(found -> assertThat(found).isEqualTo(value));
        assertThat(store.readRounds() - rounds).isEqualTo(1);
        assertThat(store.awaitBackgroundWork(GENEROUS)).isTrue();
        for (MemoryStore s : memory) {
            assertThat(calls.started(s.name())).as(s.name() + ": one get of the temporary key, the one sent early")
                    .extracting(Call::kind).containsExactlyInAnyOrder("list", "get eternal", "get temporary");
        }
    }

    /**
     * The early get finds the version the thin eternal copy names, but the lists show a newer one (a write whose
     * thin eternal copies have not landed, and whose GC has not run): the read rule goes for the newest listed
     * version, and the early find is never returned.
     */
    @ParameterizedTest
    @EnumSource(Semantics.class)
    void anEarlyFetchOfAnOlderVersionThanListedIsNotReturned(Semantics semantics) throws Exception {
        ReplicatedStore store = open(semantics, Variant.CORRECT);
        byte[] older = bytes(100, 3);
        byte[] newer = bytes(100, 4);
        store.put(KEY, older);
        settle(store);
        calls.before(call -> call.op().equals("remove") || call.op().equals("put") && call.key().endsWith("/e"), call -> {
            throw new StoreUnavailableException("eternal copies and removes refused");
        });
        store.put(KEY, newer);
        settle(store);
        List<String> versions = memory.get(0).list(KeyLayout.versionPrefix(KeyLayout.escape(KEY)));
        assertThat(versions).as("both temporary keys: GC failed").hasSize(2);
        String olderKey = versions.stream().sorted().findFirst().orElseThrow();
        // Each list answers only once the early get of the older version came back from its store.
        calls.before(call -> call.op().equals("list"),
                call -> calls.awaitFinished(call.store(), other -> other.op().equals("get") && other.key().equals(olderKey)));

        assertThat(store.get(KEY)).hasValueSatisfying(found -> assertThat(found).isEqualTo(newer));
    }

    @Test
    void aWriteOfAnInlineValuePutsItsEternalCopyBesideItsTemporaryCopy() throws Exception {
        ReplicatedStore store = open(Semantics.ATOMIC, Variant.CORRECT);
        store.put(KEY, bytes(INLINE, 5));
        settle(store);
        // A temporary put lands only once this store was also sent the eternal put.
        calls.before(call -> call.op().equals("put") && call.key().contains("/t/"),
                call -> calls.awaitStarted(call.store(), other -> other.op().equals("put") && other.key().endsWith("/e")));

        byte[] value = bytes(INLINE, 6);
        store.put(KEY, value);

        assertThat(store.get(KEY)).hasValueSatisfying(found -> assertThat(found).isEqualTo(value));
    }

    /**
     * A thin eternal copy names a temporary key, so it goes out only once a quorum holds that key; otherwise a
     * writer that crashed with its thin eternal copy landed, and none of its temporary copies, would stall every
     * read whose quorum includes that store until the next write.
     */
    @Test
    void aThinEternalCopyGoesOutOnlyOnceAQuorumHoldsTheTemporaryCopy() throws Exception {
        ReplicatedStore store = open(Semantics.ATOMIC, Variant.CORRECT);
        List<Integer> temporaryCopiesBeforeEternal = new ArrayList<>();
        calls.before(call -> call.op().equals("put") && call.key().endsWith("/e"), call -> {
            synchronized (temporaryCopiesBeforeEternal) {
                temporaryCopiesBeforeEternal.add(calls.finished(other -> other.op().equals("put") && other.key().contains("/t/")));
            }
        });
        store.put(KEY, bytes(100, 7));
        settle(store);
        assertThat(temporaryCopiesBeforeEternal).hasSize(3).allSatisfy(landed -> assertThat(landed).isGreaterThanOrEqualTo(2));
    }

    /** Safety rests on the temporary copies; a thin eternal copy only saves readers a round, so no write waits for it. */
    @Test
    void aWriteOfALargeValueReturnsWithoutWaitingForItsThinEternalCopy() throws Exception {
        ReplicatedStore store = open(Semantics.ATOMIC, Variant.CORRECT);
        CountDownLatch returned = new CountDownLatch(1);
        calls.before(call -> call.op().equals("put") && call.key().endsWith("/e"), call -> {
            try {
                if (!returned.await(HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new StoreUnavailableException("the write never returned");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
        });
        byte[] value = bytes(100, 10);
        store.put(KEY, value);
        returned.countDown();

        assertThat(store.get(KEY)).hasValueSatisfying(found -> assertThat(found).isEqualTo(value));
        assertThat(store.awaitBackgroundWork(GENEROUS)).isTrue();
        assertThat(calls.finished(call -> call.op().equals("put") && call.key().endsWith("/e"))).as("eternal copies landed later").isEqualTo(3);
    }

    @Test
    void aWriterThatDiesBeforeItsTemporaryCopiesLandLeavesNoThinEternalCopyBehind() throws Exception {
        assertThat(readAfterAWriterDiedBeforeItsTemporaryCopies(Variant.CORRECT)).isEqualTo("read the earlier value");
    }

    @Test
    void thinEternalCopiesSentWithTheirTemporaryCopiesAreCaught() throws Exception {
        assertThat(readAfterAWriterDiedBeforeItsTemporaryCopies(Mutation.COMMIT_WITH_TEMPORARIES)).isEqualTo("gave up");
    }

    /** A large value is written; a second writer's temporary puts never land (it dies); then a read. */
    private String readAfterAWriterDiedBeforeItsTemporaryCopies(Variant variant) throws Exception {
        ReplicatedStore store = open(Semantics.ATOMIC, variant);
        byte[] earlier = bytes(100, 8);
        store.put(KEY, earlier);
        settle(store);
        calls.before(call -> call.op().equals("put") && call.key().contains("/t/"), call -> {
            throw new StoreUnavailableException("the writer died before its temporary copy left");
        });
        assertThatThrownBy(() -> store.put(KEY, bytes(100, 9))).isInstanceOf(StoreUnavailableException.class);
        settle(store);
        calls.before(call -> false, call -> {});
        try {
            Optional<byte[]> found = store.get(KEY);
            assertThat(found).hasValueSatisfying(value -> assertThat(value).isEqualTo(earlier));
            return "read the earlier value";
        } catch (ContentionException e) {
            return "gave up";
        }
    }

    private ReplicatedStore open(Semantics semantics, Variant variant) {
        ReplicationOptions options = ReplicationOptions.defaults()
                .withSemantics(semantics)
                .withFaultTolerance(1)
                .withInlineMaxBytes(INLINE)
                .withMaxReadRounds(4)
                .withPhaseTimeout(GENEROUS);
        ReplicatedStore store = new ReplicatedStore(memory.stream().map(s -> new Logged(s, calls)).toList(), options, variant);
        opened.add(store);
        return store;
    }

    /** Waits for the background calls of earlier operations, then forgets every call logged so far. */
    private void settle(ReplicatedStore store) throws InterruptedException {
        assertThat(store.awaitBackgroundWork(GENEROUS)).isTrue();
        calls.clear();
    }

    private static byte[] bytes(int length, int fill) {
        byte[] value = new byte[length];
        Arrays.fill(value, (byte) fill);
        return value;
    }

    /** One call to one store. */
    record Call(String store, String op, String key) {
        /** list, get eternal, get temporary, put or remove. */
        String kind() {
            return op.equals("get") ? (key.endsWith("/e") ? "get eternal" : "get temporary") : op;
        }
    }

    /** Every call to the stores as it starts and as it ends, and what a call must wait for before it runs. */
    static final class Calls {
        private final List<Call> started = new ArrayList<>();
        private final List<Call> finished = new ArrayList<>();
        private volatile Predicate<Call> held = call -> false;
        private volatile Consumer<Call> hold = call -> {};

        static boolean eternalGet(Call call) {
            return call.kind().equals("get eternal");
        }

        static boolean temporaryGet(Call call) {
            return call.kind().equals("get temporary");
        }

        /** From now on, runs {@code hold} before each call that {@code held} matches (it may wait, or throw). */
        void before(Predicate<Call> held, Consumer<Call> hold) {
            this.hold = hold;
            this.held = held;
        }

        synchronized void clear() {
            started.clear();
            finished.clear();
        }

        synchronized List<Call> started(String store) {
            return started.stream().filter(call -> call.store().equals(store)).toList();
        }

        synchronized int finished(Predicate<Call> which) {
            return (int) finished.stream().filter(which).count();
        }

        /** Waits until a call {@code which} was sent to {@code store}; fails the waiting call after {@link #HOLD}. */
        void awaitStarted(String store, Predicate<Call> which) {
            await(started, store, which);
        }

        /** Waits until a call {@code which} to {@code store} has answered; fails the waiting call after {@link #HOLD}. */
        void awaitFinished(String store, Predicate<Call> which) {
            await(finished, store, which);
        }

        private synchronized void await(List<Call> calls, String store, Predicate<Call> which) {
            long deadline = System.nanoTime() + HOLD.toNanos();
            while (calls.stream().noneMatch(call -> call.store().equals(store) && which.test(call))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoreUnavailableException("store '" + store + "': the call this one waits for never came");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("interrupted", e);
                }
            }
        }

        private synchronized void log(List<Call> calls, Call call) {
            calls.add(call);
            notifyAll();
        }

        <T> T run(Call call, java.util.function.Supplier<T> forward) {
            log(started, call);
            if (held.test(call)) {
                hold.accept(call);
            }
            T result = forward.get();
            log(finished, call);
            return result;
        }
    }

    /** One client's view of a shared memory store, every call logged in {@link Calls}. */
    private static final class Logged extends ForwardingKeyValueStore {
        private final Calls calls;

        Logged(KeyValueStore shared, Calls calls) {
            super(shared);
            this.calls = calls;
        }

        @Override
        public void put(String key, byte[] value) {
            calls.run(new Call(name(), "put", key), () -> {
                super.put(key, value);
                return null;
            });
        }

        @Override
        public Optional<byte[]> get(String key) {
            return calls.run(new Call(name(), "get", key), () -> super.get(key));
        }

        @Override
        public void remove(String key) {
            calls.run(new Call(name(), "remove", key), () -> {
                super.remove(key);
                return null;
            });
        }

        @Override
        public List<String> list(String prefix) {
            return calls.run(new Call(name(), "list", prefix), () -> super.list(prefix));
        }

        @Override
        public void close() {
            // the memory stores outlive each client
        }
    }
}
