package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.KeyLayout.Listed;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Erasure mode's commit markers (docs/algorithm.md, Erasure coding), n=5, t=1, k=3: crashed writers that left
 * fewer than k fragments (at s0,s1 and at s2,s3) neither stall reads nor show in {@code list()}, and each store
 * keeps one fragment and one marker per key once the next write collected.
 */
class CommitMarkerTest {
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final ReplicationOptions OPTIONS = ReplicationOptions.defaults()
            .withFaultTolerance(1).withDataFragments(3).withMaxReadRounds(4).withPhaseTimeout(Duration.ofSeconds(30));

    private final List<MemoryStore> shared = IntStream.range(0, 5).mapToObj(i -> new MemoryStore("s" + i)).toList();
    private final List<ReplicatedStore> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(ReplicatedStore::close);
    }

    @Test
    void partialFragmentSetsOfCrashedWritersStallNoRead() throws Exception {
        ReplicatedStore store = client(Semantics.REGULAR, Mutation.NONE);
        store.put("written", utf8("value"));
        leavePartialFragmentSets("written");
        leavePartialFragmentSets("never-written");

        assertThat(store.get("never-written")).isEmpty();
        assertThat(store.get("written")).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("value")));
        assertThat(store.readRounds()).as("one round per read").isEqualTo(2);
        assertThat(store.list("")).containsExactly("written");
        ReplicatedStore atomic = client(Semantics.ATOMIC, Mutation.NONE);
        assertThat(atomic.get("never-written")).isEmpty();
        assertThat(atomic.get("written")).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("value")));
    }

    @Test
    void aReadGoingForTheHighestFragmentSetInsteadOfTheHighestMarkerIsCaught() throws Exception {
        client(Semantics.REGULAR, Mutation.NONE).put("written", utf8("value"));
        leavePartialFragmentSets("written");
        leavePartialFragmentSets("never-written");
        ReplicatedStore mutant = client(Semantics.REGULAR, Mutation.HIGHEST_FRAGMENT_SET);
        assertThatThrownBy(() -> mutant.get("never-written")).isInstanceOf(ContentionException.class);
        assertThatThrownBy(() -> mutant.get("written")).isInstanceOf(ContentionException.class);
    }

    @Test
    void listFollowsGet() throws Exception {
        ReplicatedStore store = client(Semantics.ATOMIC, Mutation.NONE);
        store.put("kept", utf8("1"));
        store.put("removed", utf8("2"));
        store.remove("removed");
        leavePartialFragmentSets("partial");
        assertThat(store.list("")).containsExactly("kept");
        assertThat(store.get("removed")).isEmpty();
        assertThat(store.get("partial")).isEmpty();
        assertThat(store.get("kept")).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("1")));
    }

    @Test
    void afterTheNextWriteEachStoreHoldsOneFragmentAndOneMarker() throws Exception {
        ReplicatedStore store = client(Semantics.ATOMIC, Mutation.NONE);
        store.put("key", utf8("first"));
        // Its fifth fragment may land after the next write listed that store, which then could not collect it.
        assertThat(store.awaitBackgroundWork(DRAIN)).isTrue();
        leavePartialFragmentSets("key");
        store.put("key", utf8("second"));
        assertThat(store.awaitBackgroundWork(DRAIN)).isTrue();
        for (MemoryStore s : shared) {
            List<Listed> versions = s.list("").stream().map(key -> KeyLayout.parse(key).orElseThrow()).toList();
            assertThat(versions).as("at %s", s.name()).hasSize(2).extracting(Listed::marker).containsExactlyInAnyOrder(true, false);
            assertThat(versions.get(0).ts()).isEqualTo(versions.get(1).ts());
            assertThat(s.get(versions.get(0).storeKey()).orElseThrow().length + s.get(versions.get(1).storeKey()).orElseThrow().length)
                    .as("a fragment of a 6-byte value (2 bytes) and a marker: two headers").isEqualTo(2 + 2 * Blob.HEADER_BYTES);
        }
        assertThat(store.get("key")).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("second")));
    }

    @Test
    void aKeyOfTheFirstErasureLayoutFailsClearlyInsteadOfReadingAsAbsentOrUnlisted() {
        Blob thinEternal = Blob.full(Kind.VALUE, new Timestamp(1, "0".repeat(31) + "1"), utf8("old")).thin();
        shared.forEach(s -> s.put(KeyLayout.eternalKey(KeyLayout.escape("old")), thinEternal.encode()));
        ReplicatedStore store = client(Semantics.REGULAR, Mutation.NONE);
        assertThatThrownBy(() -> store.get("old")).isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("first erasure layout").hasMessageContaining("rewrite");
        assertThatThrownBy(() -> store.put("old", utf8("new"))).isInstanceOf(StoreCorruptionException.class);
        assertThatThrownBy(() -> store.list("")).isInstanceOf(StoreCorruptionException.class).hasMessageContaining("first erasure layout");
    }

    /** Two writers crash mid-write: one's fragments reach s0 and s1 only, the other's s2 and s3; no marker anywhere. */
    private void leavePartialFragmentSets(String key) throws InterruptedException {
        for (Set<Integer> reached : List.of(Set.of(0, 1), Set.of(2, 3))) {
            List<KeyValueStore> views = IntStream.range(0, shared.size())
                    .<KeyValueStore>mapToObj(i -> reached.contains(i) ? new Shared(shared.get(i), true) : new Shared(shared.get(i), false))
                    .toList();
            ReplicatedStore crashing = new ReplicatedStore(views, OPTIONS, Mutation.NONE);
            clients.add(crashing);
            assertThatThrownBy(() -> crashing.put(key, utf8("partial " + reached))).isInstanceOf(StoreUnavailableException.class);
            // The put fails once too few stores are left; its fragment puts to the others may still be landing.
            assertThat(crashing.awaitBackgroundWork(DRAIN)).isTrue();
        }
    }

    private ReplicatedStore client(Semantics semantics, Mutation mutation) {
        List<KeyValueStore> views = shared.stream().<KeyValueStore>map(s -> new Shared(s, true)).toList();
        ReplicatedStore client = new ReplicatedStore(views, OPTIONS.withSemantics(semantics), mutation);
        clients.add(client);
        return client;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** A client's view of a shared store that the client does not close; puts fail where the client's puts no longer reach. */
    private static final class Shared extends ForwardingKeyValueStore {
        private final boolean putsReach;

        Shared(KeyValueStore shared, boolean putsReach) {
            super(shared);
            this.putsReach = putsReach;
        }

        @Override
        public void put(String key, byte[] value) {
            if (!putsReach) {
                throw new StoreUnavailableException("the writer crashed before its put of " + key + " reached store '" + name() + "'");
            }
            super.put(key, value);
        }

        @Override
        public Optional<byte[]> get(String key) {
            return super.get(key);
        }

        @Override
        public void close() {
            // the shared store outlives each client
        }
    }
}
