package io.mcst.connector.source;

import static io.mcst.connector.source.ArchiveFixture.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.TaskIdentity;
import io.mcst.connector.format.RecordFormats;
import io.mcst.stack.MetricsScope;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultiCloudSourceConnectorTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("MultiCloudSourceConnectorTest");

    private final String storeName = "connector-test-" + UUID.randomUUID();
    private final Map<String, String> props = new HashMap<>(SourceConfigTest.minimal());
    private final Semaphore reconfigurations = new Semaphore(0);
    private final KeyValueStore store;
    private final ArchiveFixture archive;
    private final MultiCloudSourceConnector connector = new MultiCloudSourceConnector();

    MultiCloudSourceConnectorTest() {
        props.put("name", "replay"); // as Connect sets it
        props.put("stores", storeName);
        props.put("store." + storeName + ".type", "memory");
        props.put("archive.poll.interval.ms", "20");
        store = StoreStack.open(props, SCOPE);
        archive = new ArchiveFixture(store);
        connector.initialize(new FakeContext());
    }

    @AfterEach
    void stop() {
        connector.stop();
        store.close();
    }

    @Test
    void spreadsTheSelectedTopicsPartitionsOverTasks() {
        for (int p = 0; p < 5; p++) {
            archive.append(RecordFormats.ENVELOPE, records("orders", p, 0, 1));
        }
        archive.append(RecordFormats.ENVELOPE, records("payments", 0, 0, 1));
        connector.start(props);

        List<Map<String, String>> configs = connector.taskConfigs(2);

        assertThat(configs).hasSize(2);
        List<TopicPartition> assigned = new ArrayList<>();
        for (Map<String, String> config : configs) {
            assertThat(config).containsEntry("archive.topics", "orders").containsEntry("stores", storeName);
            assigned.addAll(TaskAssignment.decode(config.get(SourceConfig.TASK_PARTITIONS_CONFIG)));
        }
        assertThat(configs).extracting(config -> config.get(TaskIdentity.TASK_ID_CONFIG)).containsExactly("0", "1");
        assertThat(assigned).containsExactlyInAnyOrder(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
                new TopicPartition("orders", 2), new TopicPartition("orders", 3), new TopicPartition("orders", 4));
    }

    @Test
    void anEmptyArchiveGetsNoTasksUntilPartitionsAppear() throws InterruptedException {
        props.remove("archive.topics");
        props.put("archive.topics.regex", "orders.*");
        connector.start(props);
        assertThat(connector.taskConfigs(4)).isEmpty();

        archive.append(RecordFormats.ENVELOPE, records("orders.eu", 0, 0, 1));
        archive.append(RecordFormats.ENVELOPE, records("other", 0, 0, 1));

        assertThat(reconfigurations.tryAcquire(30, TimeUnit.SECONDS)).as("reconfiguration requested").isTrue();
        List<Map<String, String>> configs = connector.taskConfigs(4);
        assertThat(configs).hasSize(1);
        assertThat(TaskAssignment.decode(configs.get(0).get(SourceConfig.TASK_PARTITIONS_CONFIG)))
                .containsExactly(new TopicPartition("orders.eu", 0));
    }

    @Test
    void aNewPartitionOfAListedTopicTriggersReconfiguration() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 0, 1));
        connector.start(props);
        assertThat(connector.taskConfigs(4)).hasSize(1);

        archive.append(RecordFormats.ENVELOPE, records("orders", 1, 0, 1));

        assertThat(reconfigurations.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        assertThat(connector.taskConfigs(4)).hasSize(2);
        assertThat(reconfigurations.tryAcquire(200, TimeUnit.MILLISECONDS)).as("only once per change").isFalse();
    }

    @Test
    void declaresExactlyOnceSupport() {
        assertThat(connector.exactlyOnceSupport(props)).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.canDefineTransactionBoundaries(props)).isEqualTo(ConnectorTransactionBoundaries.UNSUPPORTED);
    }

    @Test
    void acceptsOnlyOffsetsItCouldHaveWritten() {
        Map<String, Object> partition = ReplayPosition.sourcePartition("orders", 3);
        Map<Map<String, ?>, Map<String, ?>> good = new HashMap<>();
        good.put(partition, Map.of("segment", 100L, "index", 7));
        good.put(ReplayPosition.sourcePartition("orders", 4), null);

        assertThat(connector.alterOffsets(props, good)).isTrue();
        assertThatThrownBy(() -> connector.alterOffsets(props, Map.of(partition, Map.of("segment", "x", "index", 0))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("segment");
        assertThatThrownBy(() -> connector.alterOffsets(props, Map.of(Map.of("file", "x"), Map.of("segment", 1, "index", 0))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("archived topic");
    }

    private final class FakeContext implements SourceConnectorContext {
        @Override
        public void requestTaskReconfiguration() {
            reconfigurations.release();
        }

        @Override
        public void raiseError(Exception e) {
            throw new AssertionError("connector raised an error", e);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            throw new UnsupportedOperationException("not used by the connector");
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            throw new UnsupportedOperationException("not used by the connector");
        }
    }
}
