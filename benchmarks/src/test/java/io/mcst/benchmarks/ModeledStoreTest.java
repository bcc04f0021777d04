package io.mcst.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.benchmarks.LatencyModel.Op;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import org.junit.jupiter.api.Test;

/** The latency wrapper is a correct store (the whole contract) that also sleeps and counts. */
class ModeledStoreTest extends AbstractKeyValueStoreTest {
    @Override
    protected KeyValueStore createStore() {
        return new ModeledStore(new MemoryStore("contract"), LatencyModel.none(), 1, new StoreTraffic());
    }

    @Test
    void callsTakeAtLeastTheirModeledLatencyAndAreCounted() {
        StoreTraffic traffic = new StoreTraffic();
        LatencyModel fixed = new LatencyModel(30, 20, 10, 10, 0, Double.MAX_VALUE);
        try (KeyValueStore modeled = new ModeledStore(new MemoryStore("m"), fixed, 1, traffic)) {
            long start = System.nanoTime();
            modeled.put("k", new byte[100]);
            modeled.get("k");
            modeled.get("absent");
            modeled.list("");
            // a lower bound only: sleeping never returns early, a loaded machine may make it later
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(80_000_000L);
        }
        assertThat(traffic.calls(Op.PUT)).isEqualTo(1);
        assertThat(traffic.bytes(Op.PUT)).isEqualTo(100);
        assertThat(traffic.calls(Op.GET)).isEqualTo(2);
        assertThat(traffic.bytes(Op.GET)).isEqualTo(100);
        assertThat(traffic.calls(Op.LIST)).isEqualTo(1);
    }

    @Test
    void storesOfOneNameShareDataAcrossStacks() {
        BenchStores.clear();
        try (KeyValueStore first = ModeledStoreType.open("shared-test", 0, 1)) {
            first.put("k", new byte[] {7});
        }
        try (KeyValueStore second = ModeledStoreType.open("shared-test", 0, 1)) {
            assertThat(second.get("k")).hasValueSatisfying(v -> assertThat(v).containsExactly(7));
        }
        assertThat(BenchStores.storedBytes("shared-test")).isEqualTo(1);
        BenchStores.clear();
    }
}
