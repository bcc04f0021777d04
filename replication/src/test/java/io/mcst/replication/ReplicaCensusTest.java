package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.ReplicaCensus.KeyReplicas;
import io.mcst.replication.ReplicaCensus.Status;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplicaCensusTest {
    private final List<MemoryStore> memory = List.of(new MemoryStore("a"), new MemoryStore("b"), new MemoryStore("c"));
    /** Small inline limit so the big value gets a thin eternal copy, as archive segments do. */
    private final ReplicatedStore replicated =
            new ReplicatedStore(memory, ReplicationOptions.defaults().withInlineMaxBytes(16));
    private final ReplicaCensus census = new ReplicaCensus(memory, -1, 16, 0);

    @AfterEach
    void close() {
        census.close();
        replicated.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, Status[]> statuses(boolean readBlobs) {
        ReplicaCensus.Listing listing = census.list("arch/");
        Map<String, Status[]> all = new TreeMap<>();
        for (String key : listing.keys()) {
            all.put(key, census.inspect(listing, key, readBlobs).replicas().stream()
                    .map(ReplicaCensus.Replica::status).toArray(Status[]::new));
        }
        return all;
    }

    /** The one store key of {@code key}'s newest temporary blob at {@code store}. */
    private static String temporaryKey(MemoryStore store, String key) {
        return store.list(KeyLayout.registerPrefix(KeyLayout.escape(key))).stream().filter(k -> k.contains("/t/")).findFirst().orElseThrow();
    }

    @Test
    void reportsEachStoresMissingCorruptAndStaleReplicaAndRepairFixesThemWithoutLoweringAnyVersion() throws Exception {
        replicated.put("arch/small", bytes("v1"));
        replicated.put("arch/small", bytes("v2"));
        replicated.put("arch/big", bytes("a value longer than the inline limit"));
        replicated.put("arch/gone", bytes("x"));
        replicated.remove("arch/gone");
        replicated.put("other/key", bytes("not under the prefix"));
        assertThat(replicated.awaitBackgroundWork(Duration.ofSeconds(30))).isTrue();
        assertThat(statuses(true)).allSatisfy((key, s) -> assertThat(s).containsOnly(Status.INTACT));

        memory.get(0).remove(temporaryKey(memory.get(0), "arch/big"));       // a lost replica
        String small = temporaryKey(memory.get(1), "arch/small");
        byte[] flipped = memory.get(1).get(small).orElseThrow();
        flipped[flipped.length - 1] ^= 1;
        memory.get(1).put(small, flipped);                                    // a corrupt replica
        memory.get(2).remove(KeyLayout.eternalKey(KeyLayout.escape("arch/gone"))); // a lost eternal copy

        Map<String, Status[]> found = statuses(true);
        assertThat(found.keySet()).containsExactly("arch/big", "arch/gone", "arch/small");
        assertThat(found.get("arch/big")).containsExactly(Status.MISSING, Status.INTACT, Status.INTACT);
        assertThat(found.get("arch/small")).containsExactly(Status.INTACT, Status.CORRUPT, Status.INTACT);
        assertThat(found.get("arch/gone")).containsExactly(Status.INTACT, Status.INTACT, Status.STALE_ETERNAL);
        // From the listing alone only the missing blob shows.
        assertThat(statuses(false).get("arch/small")).containsOnly(Status.INTACT);

        ReplicaCensus.Listing listing = census.list("arch/");
        List<KeyReplicas> before = listing.keys().stream().map(key -> census.inspect(listing, key, true)).toList();
        assertThat(census.repair(before.get(0), true).rewrittenAt()).containsExactly("a");
        assertThat(statuses(true).get("arch/big")).containsExactly(Status.MISSING, Status.INTACT, Status.INTACT);
        // A write lands between the census and the repair: the repair must not bring the old version back.
        replicated.put("arch/small", bytes("v3"));
        assertThat(replicated.awaitBackgroundWork(Duration.ofSeconds(30))).isTrue();
        List<String> rewritten = new ArrayList<>();
        before.forEach(key -> rewritten.addAll(census.repair(key, false).rewrittenAt()));
        // v3 superseded the corrupt v2 at every store, so only the other two keys needed a rewrite.
        assertThat(rewritten).containsExactly("a", "c");

        assertThat(statuses(true)).allSatisfy((key, s) -> assertThat(s).containsOnly(Status.INTACT));
        assertThat(replicated.get("arch/small")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v3")));
        assertThat(replicated.get("arch/big")).hasValueSatisfying(
                v -> assertThat(v).isEqualTo(bytes("a value longer than the inline limit")));
        assertThat(replicated.get("arch/gone")).isEmpty();
        // Every store now serves the big value alone: the repaired replica is a whole blob.
        for (MemoryStore alone : memory) {
            try (ReplicaCensus one = new ReplicaCensus(List.of(alone), 0, 16, 0)) {
                ReplicaCensus.Listing l = one.list("arch/big");
                assertThat(one.inspect(l, "arch/big", true).replicas().get(0).status()).isEqualTo(Status.INTACT);
                assertThat(one.inspect(l, "arch/big", true).valueBytes()).isEqualTo(36);
            }
        }
        // Idempotent: after one more pass (which collects the v2 blob the repair rewrote beside v3), nothing to do.
        for (String key : census.list("arch/").keys()) {
            census.repair(census.inspect(census.list("arch/"), key, true), false);
        }
        ReplicaCensus.Listing again = census.list("arch/");
        for (String key : again.keys()) {
            ReplicaCensus.Repaired repaired = census.repair(census.inspect(again, key, true), false);
            assertThat(repaired.rewrittenAt()).isEmpty();
            assertThat(repaired.garbageRemoved()).isZero();
        }
    }

    @Test
    void anEmptiedOrAddedStoreIsRefilledAndOlderVersionsAtAStoreAreCollected() throws Exception {
        replicated.put("arch/k", bytes("v1"));
        String old = temporaryKey(memory.get(2), "arch/k");
        byte[] oldBlob = memory.get(2).get(old).orElseThrow();
        replicated.put("arch/k", bytes("v2"));
        assertThat(replicated.awaitBackgroundWork(Duration.ofSeconds(30))).isTrue();
        memory.get(2).put(old, oldBlob); // a store that missed the garbage collection (it was down)
        for (String key : memory.get(0).list("")) {
            memory.get(0).remove(key); // a store replaced by an empty one
        }
        ReplicaCensus.Listing listing = census.list("arch/");
        KeyReplicas k = census.inspect(listing, "arch/k", true);
        assertThat(k.replicas()).extracting(ReplicaCensus.Replica::status)
                .containsExactly(Status.MISSING, Status.INTACT, Status.INTACT);
        assertThat(k.olderVersions()).containsExactly(0, 0, 1);
        ReplicaCensus.Repaired repaired = census.repair(k, false);
        assertThat(repaired.rewrittenAt()).containsExactly("a");
        assertThat(repaired.garbageRemoved()).isEqualTo(1);
        assertThat(memory.get(2).get(old)).isEmpty();
        assertThat(memory.get(0).list("")).hasSize(2); // the newest blob and its eternal copy
        assertThat(replicated.get("arch/k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v2")));
    }

    @Test
    void erasureCodedStoresAreCheckedFragmentByFragmentAndRepairedFromAnyKOfThem() throws Exception {
        List<MemoryStore> five = List.of(new MemoryStore("e0"), new MemoryStore("e1"), new MemoryStore("e2"),
                new MemoryStore("e3"), new MemoryStore("e4"));
        byte[] value = bytes("a value spread as fragments over five stores, any three of which decode it");
        try (ReplicatedStore coded = new ReplicatedStore(five,
                        ReplicationOptions.defaults().withFaultTolerance(1).withDataFragments(3));
                ReplicaCensus erasure = new ReplicaCensus(five, 1, 16, 3)) {
            coded.put("arch/v", bytes("old"));
            coded.put("arch/v", value);
            assertThat(coded.awaitBackgroundWork(Duration.ofSeconds(30))).isTrue();
            String escaped = KeyLayout.escape("arch/v");
            String fragment1 = five.get(1).list(KeyLayout.registerPrefix(escaped)).stream()
                    .filter(k -> !k.endsWith(".m")).findFirst().orElseThrow();
            five.get(0).remove(five.get(0).list(KeyLayout.registerPrefix(escaped)).stream()
                    .filter(k -> !k.endsWith(".m")).findFirst().orElseThrow());        // a lost fragment
            five.get(1).put(fragment1, five.get(2).get(fragment1).orElseThrow());     // store 2's fragment under store 1's key
            five.get(3).remove(five.get(3).list(KeyLayout.registerPrefix(escaped)).stream()
                    .filter(k -> k.endsWith(".m")).findFirst().orElseThrow());         // a lost commit marker

            ReplicaCensus.Listing listing = erasure.list("arch/");
            KeyReplicas found = erasure.inspect(listing, "arch/v", true);
            assertThat(found.replicas()).extracting(ReplicaCensus.Replica::status).containsExactly(
                    Status.MISSING, Status.CORRUPT, Status.INTACT, Status.STALE_ETERNAL, Status.INTACT);
            assertThat(erasure.repair(found, false).rewrittenAt()).containsExactly("e0", "e1", "e3");

            ReplicaCensus.Listing after = erasure.list("arch/");
            assertThat(erasure.inspect(after, "arch/v", true).replicas()).extracting(ReplicaCensus.Replica::status)
                    .containsOnly(Status.INTACT);
            // The repaired fragments decode: drop the two untouched stores' fragments and read from e0, e1, e3.
            for (int i : new int[] {2, 4}) {
                five.get(i).list(KeyLayout.registerPrefix(escaped)).stream().filter(k -> !k.endsWith(".m"))
                        .forEach(five.get(i)::remove);
            }
            assertThat(coded.get("arch/v")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        }
    }
}
