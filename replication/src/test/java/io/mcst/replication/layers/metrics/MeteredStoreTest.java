package io.mcst.replication.layers.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.replication.layers.metrics.StoreMetrics.Op;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics layer over memory passes the store contract, and records what happened at its store. */
class MeteredStoreTest extends AbstractKeyValueStoreTest {
    @Override
    protected KeyValueStore createStore() {
        return new MeteredStore(new MemoryStore("mem"), new CountingStoreMetrics());
    }

    @Test
    void recordsCallsFailuresAndValueBytesPerOperation() {
        CountingStoreMetrics metrics = new CountingStoreMetrics();
        FaultInjectingStore faulty = new FaultInjectingStore(new MemoryStore("metered"));
        try (KeyValueStore metered = new MeteredStore(faulty, metrics)) {
            metered.put("a", new byte[100]);
            metered.put("b", new byte[250]);
            metered.put("a", new byte[1_000]);
            assertThat(metered.get("a")).isPresent();
            assertThat(metered.get("missing")).isEmpty();
            faulty.crash();
            assertThatThrownBy(() -> metered.get("a")).isInstanceOf(StoreUnavailableException.class);
            faulty.heal();
            assertThatThrownBy(() -> metered.put("", new byte[1])).isInstanceOf(IllegalArgumentException.class);
            metered.remove("b");
            assertThat(metered.list("")).containsExactly("a");
        }
        assertThat(metrics.calls).isEqualTo(Map.of(Op.PUT, 3L, Op.GET, 3L, Op.REMOVE, 1L, Op.LIST, 1L));
        assertThat(metrics.failures).as("a bad key is the caller's error, not the store's").isEqualTo(Map.of(Op.GET, 1L));
        assertThat(metrics.valueBytes).containsEntry(Op.PUT, 1_350L).containsEntry(Op.GET, 1_000L);
        assertThat(metrics.maxElapsedNanos).isPositive();
        assertThat(metrics.closes).isEqualTo(1);
    }

    @Test
    void closesItsMetricsOnceHoweverOftenItIsClosed() {
        CountingStoreMetrics metrics = new CountingStoreMetrics();
        KeyValueStore metered = new MeteredStore(new MemoryStore("twice"), metrics);
        metered.close();
        metered.close();
        assertThat(metrics.closes).isEqualTo(1);
    }
}
