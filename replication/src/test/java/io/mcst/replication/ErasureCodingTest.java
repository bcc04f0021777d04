package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Erasure-coded replication (docs/algorithm.md, Erasure coding): the same contract, n/k storage, t failures masked. */
class ErasureCodingTest {
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private static ReplicationOptions erasure(int t, int k) {
        return ReplicationOptions.defaults().withFaultTolerance(t).withDataFragments(k);
    }

    @Nested
    class FiveStoresThreeFragments extends AbstractKeyValueStoreTest {
        @Override
        protected KeyValueStore createStore() {
            return ReplicatedStoreContractTest.overMemory(5, erasure(1, 3));
        }
    }

    @Test
    void kAboveNMinusTwoTIsRejected() {
        List<KeyValueStore> five = IntStream.range(0, 5).<KeyValueStore>mapToObj(i -> new MemoryStore("m" + i)).toList();
        assertThatThrownBy(() -> new ReplicatedStore(five, erasure(1, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k=4").hasMessageContaining("n - 2t = 3");
    }

    @Test
    void storageIsNOverKTimesTheValueInsteadOfNTimes() throws Exception {
        byte[] value = new byte[1024 * 1024];
        new Random(1).nextBytes(value);
        long erasureBytes = storedBytes(erasure(1, 3), value);
        long replicatedBytes = storedBytes(ReplicationOptions.defaults().withFaultTolerance(1), value);
        double erasureRatio = (double) erasureBytes / value.length;
        double replicatedRatio = (double) replicatedBytes / value.length;
        System.out.printf("1 MiB over 5 stores: erasure k=3 stores %.4f x the value, replication %.4f x%n", erasureRatio, replicatedRatio);
        assertThat(erasureRatio).isCloseTo(5.0 / 3, org.assertj.core.data.Offset.offset(0.001));
        assertThat(replicatedRatio).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.001));
    }

    /** Summed bytes across the five stores after one write and its GC. */
    private static long storedBytes(ReplicationOptions options, byte[] value) throws Exception {
        List<MemoryStore> stores = IntStream.range(0, 5).mapToObj(i -> new MemoryStore("s" + i)).toList();
        ReplicatedStore store = new ReplicatedStore(stores.stream().map(s -> new ClientView(s, 0, 0)).toList(), options);
        try {
            store.put("segment", value);
            // Drained between the writes: the second write's list must see the first one's puts at every
            // store, else a store it listed early keeps a superseded copy (correct, but not this bound).
            assertThat(store.awaitBackgroundWork(DRAIN)).isTrue();
            store.put("segment", value);
            assertThat(store.awaitBackgroundWork(DRAIN)).isTrue();
            assertThat(store.get("segment")).hasValueSatisfying(read -> assertThat(read).isEqualTo(value));
            long bytes = 0;
            for (MemoryStore s : stores) {
                List<String> keys = s.list("");
                assertThat(keys).as("a fragment or copy plus a thin eternal at %s", s.name()).hasSize(2);
                for (String key : keys) {
                    bytes += s.get(key).orElseThrow().length;
                }
            }
            return bytes;
        } finally {
            store.close();
        }
    }

    @Test
    void tStoresDownAndCorruptStillDecode() {
        List<FaultInjectingStore> stores = IntStream.range(0, 7).mapToObj(i -> new FaultInjectingStore(new MemoryStore("s" + i))).toList();
        try (ReplicatedStore store = new ReplicatedStore(stores, erasure(2, 3))) {
            byte[] value = new byte[100_000];
            new Random(2).nextBytes(value);
            store.put("k", value);
            stores.get(0).crash();
            stores.get(4).corrupt(3);
            assertThat(store.get("k")).hasValueSatisfying(read -> assertThat(read).isEqualTo(value));
            stores.get(4).stall();
            value[0]++;
            store.put("k", value);
            assertThat(store.get("k")).hasValueSatisfying(read -> assertThat(read).isEqualTo(value));
            stores.forEach(FaultInjectingStore::heal);
        }
    }
}
