package io.mcst.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.replication.layers.metrics.MeteredStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** JMX shows what happened at each store, per connector and task. */
class KafkaStoreMetricsTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private final String store = "metered-" + UUID.randomUUID();

    @Test
    void jmxShowsCallsErrorsLatencyAndBytesPerOperation() throws Exception {
        MetricsScope scope = MetricsScope.ofTask("archive", "3");
        ObjectName mbean = mbean("connector=archive,task=3");
        FaultInjectingStore faulty = new FaultInjectingStore(new MemoryStore(store));
        try (KeyValueStore metered = metered(faulty, scope)) {
            metered.put("a", new byte[100]);
            metered.put("b", new byte[250]);
            metered.put("a", new byte[1_000]);
            assertThat(metered.get("a")).isPresent();
            assertThat(metered.get("missing")).isEmpty();
            faulty.crash();
            assertThatThrownBy(() -> metered.get("a")).isInstanceOf(StoreUnavailableException.class);
            faulty.heal();
            metered.remove("b");
            assertThat(metered.list("")).containsExactly("a");

            assertThat(attribute(mbean, "put-total")).isEqualTo(3.0);
            assertThat(attribute(mbean, "put-bytes-total")).isEqualTo(1_350.0);
            assertThat(attribute(mbean, "put-error-total")).isEqualTo(0.0);
            assertThat(attribute(mbean, "get-total")).isEqualTo(3.0);
            assertThat(attribute(mbean, "get-error-total")).isEqualTo(1.0);
            assertThat(attribute(mbean, "get-bytes-total")).isEqualTo(1_000.0);
            assertThat(attribute(mbean, "remove-total")).isEqualTo(1.0);
            assertThat(attribute(mbean, "list-total")).isEqualTo(1.0);
            for (String latency : new String[] {"put-latency-avg", "put-latency-max", "get-latency-p99"}) {
                assertThat(attribute(mbean, latency)).as(latency).isGreaterThanOrEqualTo(0.0).isLessThan(60_000.0);
            }
            assertThat(attribute(mbean, "put-latency-max")).isGreaterThan(0.0);
        }
        assertThat(JMX.isRegistered(mbean)).as("unregistered once the store closes").isFalse();
    }

    @Test
    void storesOfOneNameInOneScopeShareTheirMetricsUntilTheLastCloses() throws Exception {
        MetricsScope scope = MetricsScope.ofTask("archive", "0");
        ObjectName mbean = mbean("connector=archive,task=0");
        MemoryStore base = new MemoryStore(store);
        KeyValueStore first = metered(base, scope);
        KeyValueStore second = metered(base, scope);
        first.put("k", new byte[10]);
        second.put("k", new byte[20]);
        assertThat(attribute(mbean, "put-bytes-total")).isEqualTo(30.0);
        first.close();
        assertThat(JMX.isRegistered(mbean)).isTrue();
        second.close();
        second.close();
        assertThat(JMX.isRegistered(mbean)).isFalse();
    }

    @Test
    void twoConnectorsNamingTheSameStoreKeepSeparateCounts() throws Exception {
        // The same store name in four stacks: two connectors, two tasks of one of them, and that connector's own.
        List<MetricsScope> scopes = List.of(MetricsScope.ofTask("orders-archive", "0"),
                MetricsScope.ofTask("payments-archive", "0"), MetricsScope.ofTask("payments-archive", "1"),
                MetricsScope.ofConnector("payments-archive"));
        List<ObjectName> mbeans = List.of(mbean("connector=orders-archive,task=0"),
                mbean("connector=payments-archive,task=0"), mbean("connector=payments-archive,task=1"),
                mbean("connector=payments-archive"));
        List<KeyValueStore> stacks = new ArrayList<>();
        try {
            for (MetricsScope scope : scopes) {
                stacks.add(StoreStack.open(Map.of("stores", store, "store." + store + ".type", "memory"), scope));
            }
            // Stack i puts i + 1 fresh keys, so each key costs its stack the same number of base-store puts.
            for (int i = 0; i < stacks.size(); i++) {
                for (int put = 0; put <= i; put++) {
                    stacks.get(i).put("stack-" + i + "/key-" + put, new byte[1]);
                }
            }
            double perKey = attribute(mbeans.get(0), "put-total");
            assertThat(perKey).isPositive();
            for (int i = 0; i < stacks.size(); i++) {
                assertThat(attribute(mbeans.get(i), "put-total")).as(mbeans.get(i).toString()).isEqualTo((i + 1) * perKey);
            }
        } finally {
            stacks.forEach(KeyValueStore::close);
        }
        assertThat(mbeans).noneMatch(JMX::isRegistered);
    }

    private static KeyValueStore metered(KeyValueStore base, MetricsScope scope) {
        return new MeteredStore(base, KafkaStoreMetrics.open(scope, base.name()));
    }

    private ObjectName mbean(String scopeTags) throws Exception {
        return new ObjectName("io.mcst:type=store-metrics," + scopeTags + ",store=" + store);
    }

    private static double attribute(ObjectName mbean, String name) throws Exception {
        return (Double) JMX.getAttribute(mbean, name);
    }
}
