package io.mcst.replication.layers.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The metrics layer over memory passes the store contract, and JMX shows what happened at each store. */
class MeteredStoreTest extends AbstractKeyValueStoreTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Override
    protected KeyValueStore createStore() {
        return new MeteredStore(new MemoryStore("mem"));
    }

    @Test
    void jmxShowsCallsErrorsAndBytesPerOperation() throws Exception {
        String name = "metered-" + UUID.randomUUID();
        ObjectName mbean = new ObjectName("io.mcst:type=store-metrics,store=" + name);
        try (KeyValueStore metered = new MeteredStore(new FailingGets(new MemoryStore(name)))) {
            metered.put("a", new byte[100]);
            metered.put("b", new byte[250]);
            metered.put("a", new byte[1_000]);
            assertThat(metered.get("a")).isPresent();
            assertThat(metered.get("missing")).isEmpty();
            assertThatThrownBy(() -> metered.get("fail")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> metered.put("", new byte[1])).isInstanceOf(IllegalArgumentException.class);
            metered.remove("b");
            assertThat(metered.list("")).containsExactly("a");

            assertThat(attribute(mbean, "put-total")).isEqualTo(3.0);
            assertThat(attribute(mbean, "put-bytes-total")).isEqualTo(1_350.0);
            assertThat(attribute(mbean, "put-error-total")).as("a bad key is the caller's error").isEqualTo(0.0);
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
        assertThat(JMX.isRegistered(mbean)).as("unregistered once the last store of that name closes").isFalse();
    }

    @Test
    void storesOfOneNameShareTheirMetricsUntilTheLastCloses() throws Exception {
        String name = "shared-" + UUID.randomUUID();
        ObjectName mbean = new ObjectName("io.mcst:type=store-metrics,store=" + name);
        MemoryStore base = new MemoryStore(name);
        KeyValueStore first = new MeteredStore(base);
        KeyValueStore second = new MeteredStore(base);
        first.put("k", new byte[10]);
        second.put("k", new byte[20]);
        assertThat(attribute(mbean, "put-bytes-total")).isEqualTo(30.0);
        first.close();
        assertThat(JMX.isRegistered(mbean)).isTrue();
        second.close();
        second.close();
        assertThat(JMX.isRegistered(mbean)).isFalse();
    }

    private static double attribute(ObjectName mbean, String name) throws Exception {
        return (Double) JMX.getAttribute(mbean, name);
    }

    /** A store whose key "fail" is always unavailable. */
    private static final class FailingGets extends ForwardingKeyValueStore {
        FailingGets(KeyValueStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<byte[]> get(String key) {
            if (key.equals("fail")) {
                throw new StoreUnavailableException("store '" + name() + "' is down for this test");
            }
            return super.get(key);
        }
    }
}
