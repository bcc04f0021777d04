package io.mcst.connector.source;

import static io.mcst.connector.source.ArchiveFixture.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.format.RecordFormats;
import io.mcst.stack.MetricsScope;
import io.mcst.stack.StoreStack;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultiCloudSourceTaskTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("MultiCloudSourceTaskTest");

    private final String storeName = "task-test-" + UUID.randomUUID();
    private final Map<String, String> props = new HashMap<>(SourceConfigTest.minimal());
    private final Map<Map<String, Object>, Map<String, Object>> storedOffsets = new HashMap<>();
    private final Map<String, Integer> targetPartitions = new HashMap<>();
    private final KeyValueStore store;
    private final ArchiveFixture archive;
    private MultiCloudSourceTask task;

    MultiCloudSourceTaskTest() {
        props.put("stores", storeName);
        props.put("store." + storeName + ".type", "memory");
        props.put("topic.rename.format", "${topic}-restored");
        props.put("archive.poll.interval.ms", "20");
        store = StoreStack.open(props, SCOPE);
        archive = new ArchiveFixture(store);
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        store.close();
    }

    @Test
    void replaysAssignedPartitionsRoundRobinInBatches() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 1, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 2, 0, 5));
        targetPartitions.put("orders-restored", 3);
        props.put("batch.size", "4");
        start("orders:0,orders:2");

        List<SourceRecord> replayed = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                batchSizes.add(batch.size());
                replayed.addAll(batch);
            }
        }

        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(4));
        assertThat(replayed).extracting(SourceRecord::kafkaPartition).containsOnly(0, 2).hasSize(10);
        assertThat(replayed.stream().filter(r -> r.kafkaPartition() == 2).map(r -> new String((byte[]) r.value())))
                .containsExactly("v0", "v1", "v2", "v3", "v4");
        assertThat(replayed).extracting(SourceRecord::topic).containsOnly("orders-restored");
    }

    @Test
    void staysOnAPartitionUntilItsSegmentIsReplayedSoOneSegmentIsHeldAtATime() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 2, 0, 5));
        targetPartitions.put("orders-restored", 3);
        props.put("batch.size", "3");
        start("orders:0,orders:2");

        List<List<Integer>> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(task.poll().stream().map(SourceRecord::kafkaPartition).toList());
        }

        assertThat(batches).containsExactly(List.of(0, 0, 0), List.of(0, 0, 2), List.of(2, 2, 2), List.of(2));
    }

    @Test
    void resumesFromTheOffsetsTheWorkerStored() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 1, 0, 5));
        targetPartitions.put("orders-restored", 2);
        storedOffsets.put(ReplayPosition.sourcePartition("orders", 1), Map.of("segment", 0L, "index", 2L));
        start("orders:1");

        List<SourceRecord> batch = task.poll();

        assertThat(batch).extracting(r -> new String((byte[]) r.value())).containsExactly("v3", "v4");
    }

    @Test
    void aReplayBoundedByEndTimeStopsReadingTheArchiveOnceEveryPartitionIsPastIt() throws InterruptedException {
        for (int partition = 0; partition < 2; partition++) {
            for (long first = 0; first < 30; first += 10) { // timestamps 1000 + offset
                archive.append(RecordFormats.ENVELOPE, records("orders", partition, first, 10));
            }
        }
        targetPartitions.put("orders-restored", 2);
        props.put("end.time", "1015");
        AtomicInteger storeCalls = new AtomicInteger();
        start("orders:0,orders:1", props -> new ForwardingKeyValueStore(StoreStack.open(props, SCOPE)) {
            @Override
            public Optional<byte[]> get(String key) {
                storeCalls.incrementAndGet();
                return super.get(key);
            }

            @Override
            public List<String> list(String prefix) {
                storeCalls.incrementAndGet();
                return super.list(prefix);
            }
        });

        List<SourceRecord> replayed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                replayed.addAll(batch);
            }
        }
        assertThat(replayed).hasSize(30).allSatisfy(r -> assertThat(r.timestamp()).isLessThan(1015L));
        int calls = storeCalls.get();
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 30, 10));
        assertThat(task.poll()).isNull();
        assertThat(storeCalls.get()).as("no listing or read once the window is complete").isEqualTo(calls);
    }

    @Test
    void aTargetTopicWithTooFewPartitionsFailsAtStartNamingIt() {
        targetPartitions.put("orders-restored", 3);

        assertThatThrownBy(() -> start("orders:1,orders:5")).isInstanceOf(ConnectException.class)
                .hasMessageContaining("'orders-restored' has 3 partitions").hasMessageContaining("orders-5");
    }

    @Test
    void aMissingTargetTopicFailsAtStartNamingIt() {
        assertThatThrownBy(() -> start("orders:4")).isInstanceOf(ConnectException.class)
                .hasMessageContaining("'orders-restored' does not exist").hasMessageContaining("at least 5 partitions");
    }

    @Test
    void anIdlePollWaitsAndStopEndsTheWait() throws Exception {
        targetPartitions.put("orders-restored", 1);
        props.put("archive.poll.interval.ms", "600000");
        start("orders:0");
        assertThat(task.poll()).isNull();

        CompletableFuture<List<SourceRecord>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return task.poll();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        task.stop();

        assertThat(waiting.get(30, TimeUnit.SECONDS)).isNull();
    }

    private void start(String partitions) {
        start(partitions, taskConfig -> StoreStack.open(taskConfig, SCOPE));
    }

    private void start(String partitions, Function<Map<String, String>, KeyValueStore> storeOpener) {
        task = new MultiCloudSourceTask(storeOpener, config -> new FakeTargets(), System::currentTimeMillis);
        task.initialize(new FakeContext());
        Map<String, String> taskProps = new HashMap<>(props);
        taskProps.put(SourceConfig.TASK_PARTITIONS_CONFIG, partitions);
        task.start(taskProps);
    }

    private final class FakeTargets implements TargetTopics {
        @Override
        public OptionalInt partitionCount(String topic) {
            Integer count = targetPartitions.get(topic);
            return count == null ? OptionalInt.empty() : OptionalInt.of(count);
        }

        @Override
        public void close() {}
    }

    private final class FakeContext implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return props;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new OffsetStorageReader() {
                @Override
                public <T> Map<String, Object> offset(Map<String, T> partition) {
                    return storedOffsets.get(partition);
                }

                @Override
                public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                    Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
                    partitions.forEach(p -> found.put(p, storedOffsets.get(p)));
                    return found;
                }
            };
        }

        @Override
        public PluginMetrics pluginMetrics() {
            throw new UnsupportedOperationException("not used by the task");
        }
    }
}
