package io.mcst.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.LogCapture;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * A configured stack through one store's outage: operations continue over the quorum, the operator reads
 * one WARN and then one INFO naming the store, and its {@code up} metric goes 0 and back to 1.
 */
class StoreOutageTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Test
    void anOutageIsOneLineEachWayAndTheUpMetricFollows() throws Exception {
        String b = "crashable-" + UUID.randomUUID();
        Map<String, String> props = Map.of("stores", "a,c," + b, "store.a.type", "memory", "store.c.type", "memory",
                "store." + b + ".type", "crashable", "retry.max.attempts", "1");
        try (KeyValueStore stack = StoreStack.open(props, MetricsScope.ofTask("outage", "0"))) {
            FaultInjectingStore store = CrashableStoreType.store(b);
            assertThat(up(b)).isEqualTo(1);
            assertThat(up("a")).isEqualTo(1);

            store.crash();
            String down = LogCapture.stderrOf(() -> roundTrips(stack, "down"));
            assertThat(down.lines()).singleElement().asString().contains(" WARN io.mcst.replication.layers.health.StoreHealth - "
                    + "store '" + b + "' is down: 2 of 3 stores answer, quorum 2 holds; reads and writes continue.");
            assertThat(up(b)).isEqualTo(0);
            assertThat(up("a")).isEqualTo(1);

            store.heal();
            String back = LogCapture.stderrOf(() -> {
                roundTrips(stack, "back");
                awaitUp(b);
            });
            assertThat(back.lines()).singleElement().asString().contains(" INFO io.mcst.replication.layers.health.StoreHealth - "
                    + "store '" + b + "' is back: 3 of 3 stores answer, quorum 2 holds");
        }
    }

    private static void roundTrips(KeyValueStore stack, String prefix) {
        for (int i = 0; i < 20; i++) {
            byte[] value = {(byte) i};
            stack.put(prefix + i, value);
            assertThat(stack.get(prefix + i)).hasValueSatisfying(read -> assertThat(read).isEqualTo(value));
        }
    }

    /** The last round trip's calls to the store may still be in flight: they answer soon after it returns. */
    private static void awaitUp(String store) {
        try {
            for (int waited = 0; up(store) != 1 && waited < 10_000; waited += 10) {
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int up(String store) throws Exception {
        return (Integer) JMX.getAttribute(new ObjectName("io.mcst:type=store-metrics,connector=outage,task=0,store=" + store), "up");
    }
}
