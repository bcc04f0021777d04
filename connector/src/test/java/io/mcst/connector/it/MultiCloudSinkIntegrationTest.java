package io.mcst.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.GroupSnapshot;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.format.RecordFormats;
import io.mcst.connector.sink.MultiCloudSinkConnector;
import io.mcst.stack.MetricsScope;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The sink in a real Connect cluster (KRaft broker and workers in this JVM): records produced to Kafka end
 * up in the archive exactly once, byte for byte, through restarts and rebalances. The archive lives in
 * memory stores, which the JVM shares by name, so the test reads what the worker wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MultiCloudSinkIntegrationTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("MultiCloudSinkIntegrationTest");

    private static final int PARTITIONS = 6;
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofMinutes(4);

    private EmbeddedConnectCluster connect;

    @BeforeAll
    void startCluster() {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("listeners", "http://127.0.0.1:0");
        workerProps.put("offset.flush.interval.ms", "1000");
        connect = new EmbeddedConnectCluster.Builder()
                .name("sink-it")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        connect.start();
    }

    @AfterAll
    void stopCluster() {
        if (connect != null) {
            connect.stop();
        }
    }

    /** Storage keys for memory stores called {@code names}, unique to one test. */
    private static Map<String, String> memoryStores(String... names) {
        Map<String, String> props = new HashMap<>();
        props.put("stores", String.join(",", names));
        for (String name : names) {
            props.put("store." + name + ".type", "memory");
        }
        return props;
    }

    /** Storage keys for fault-injecting memory stores called {@code names}; see {@link FaultyMemoryStoreType}. */
    private static Map<String, String> faultyStores(String... names) {
        Map<String, String> props = new HashMap<>();
        props.put("stores", String.join(",", names));
        for (String name : names) {
            props.put("store." + name + ".type", "faulty-memory");
        }
        return props;
    }

    private static Map<String, String> sinkConfig(String topic, Map<String, String> storage) {
        Map<String, String> props = new HashMap<>(storage);
        props.put("name", topic);
        props.put("connector.class", MultiCloudSinkConnector.class.getName());
        props.put("topics", topic);
        props.put("tasks.max", "3");
        props.put("key.converter", ByteArrayConverter.class.getName());
        props.put("value.converter", ByteArrayConverter.class.getName());
        props.put("header.converter", ByteArrayConverter.class.getName());
        props.put("archive.prefix", "it/" + topic);
        props.put("flush.size", "4000");
        props.put("rotate.schedule.interval.ms", "2000");
        return props;
    }

    /** Waits for {@code condition}; a store error while checking (no quorum yet) counts as not yet. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + ARCHIVE_TIMEOUT.toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (StoreException e) {
            return false;
        }
    }

    /**
     * Creates {@code topic} and waits until the broker leads all its partitions: producing into a partition
     * whose leadership is still being applied can wedge an idempotent producer (out-of-order sequence).
     */
    private void createTopic(String topic) throws InterruptedException {
        connect.kafka().createTopic(topic, PARTITIONS);
        await("leaders of " + topic, () -> connect.kafka().describeTopics(topic).get(topic)
                .map(description -> description.partitions().size() == PARTITIONS
                        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                .orElse(false));
    }

    /** Runs the sink over {@code total} records and returns the archive rate in records/s once its tasks run. */
    private double archiveRoundTrip(String topic, Map<String, String> storage, int total) throws Exception {
        TopicData data = new TopicData(topic, PARTITIONS);
        createTopic(topic);
        data.produce(connect.kafka(), 0, total);
        ArchiveLayout layout = new ArchiveLayout("it/" + topic);
        try (KeyValueStore archive = StoreStack.open(storage, SCOPE)) {
            connect.configureConnector(topic, sinkConfig(topic, storage));
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(topic, 3, "sink did not start");
            long start = System.nanoTime();
            await("the archive of " + topic, () -> data.archivedThrough(archive, layout, total));
            double seconds = (System.nanoTime() - start) / 1e9;
            connect.deleteConnector(topic);
            data.assertArchiveHoldsExactly(archive, layout, total);
            return total / seconds;
        }
    }

    @Test
    void archivesAHundredThousandRecordsByteExactToOneStore() throws Exception {
        double rate = archiveRoundTrip("round-trip-one", memoryStores("rt1-a"), 100_000);
        System.out.printf("sink throughput, 1 memory store: %.0f records/s (from tasks running to all archived)%n", rate);
    }

    @Test
    void archivesAHundredThousandRecordsByteExactToThreeStores() throws Exception {
        double rate = archiveRoundTrip("round-trip-three", memoryStores("rt3-a", "rt3-b", "rt3-c"), 100_000);
        System.out.printf("sink throughput, 3 replicated memory stores: %.0f records/s (from tasks running to all archived)%n", rate);
    }

    @Test
    void archiveIsCompleteWithOneOfThreeStoresCrashedBeforeStart() throws Exception {
        Map<String, String> storage = faultyStores("pre-a", "pre-b", "pre-c");
        FaultyMemoryStoreType.faults("pre-b").crash();
        try {
            archiveRoundTrip("crashed-before-start", storage, 30_000);
        } finally {
            FaultyMemoryStoreType.faults("pre-b").heal();
        }
    }

    @Test
    void archiveIsCompleteWhenAStoreCrashesMidStream() throws Exception {
        String topic = "crashed-mid-stream";
        Map<String, String> storage = faultyStores("mid-a", "mid-b", "mid-c");
        int total = 30_000;
        TopicData data = new TopicData(topic, PARTITIONS);
        ArchiveLayout layout = new ArchiveLayout("it/" + topic);
        createTopic(topic);
        try (KeyValueStore archive = StoreStack.open(storage, SCOPE)) {
            data.produce(connect.kafka(), 0, total / 2);
            connect.configureConnector(topic, sinkConfig(topic, storage));
            await("a first part archived", () -> data.archivedThrough(archive, layout, 6_000));
            FaultyMemoryStoreType.faults("mid-c").crash();
            data.produce(connect.kafka(), total / 2, total);
            await("the whole archive", () -> data.archivedThrough(archive, layout, total));
            connect.deleteConnector(topic);
            data.assertArchiveHoldsExactly(archive, layout, total);
        } finally {
            FaultyMemoryStoreType.faults("mid-c").heal();
        }
    }

    /**
     * The archive index, not the consumer group, decides where the sink resumes, so an offset change through
     * the REST API would be silently overwritten on the next open(): it is refused with that reason, and the
     * archive still resumes from its index afterwards.
     */
    @Test
    void offsetChangesThroughRestAreRefusedWithTheReason() throws Exception {
        String topic = "offsets-refused";
        Map<String, String> storage = memoryStores("refused-a");
        int total = 2_000;
        TopicData data = new TopicData(topic, PARTITIONS);
        ArchiveLayout layout = new ArchiveLayout("it/" + topic);
        createTopic(topic);
        try (KeyValueStore archive = StoreStack.open(storage, SCOPE)) {
            data.produce(connect.kafka(), 0, total / 2);
            connect.configureConnector(topic, sinkConfig(topic, storage));
            await("a first part archived", () -> data.archivedThrough(archive, layout, total / 2));
            connect.stopConnector(topic);
            connect.assertions().assertConnectorIsStopped(topic, "the sink did not stop");
            ConnectorOffsets rewind = new ConnectorOffsets(List.of(new ConnectorOffset(
                    Map.of("kafka_topic", topic, "kafka_partition", 0), Map.of("kafka_offset", 0L))));
            assertThatThrownBy(() -> connect.alterConnectorOffsets(topic, rewind))
                    .hasMessageContaining("resumes each partition from its archive index");
            assertThatThrownBy(() -> connect.resetConnectorOffsets(topic))
                    .hasMessageContaining("resumes each partition from its archive index");
            connect.resumeConnector(topic);
            data.produce(connect.kafka(), total / 2, total);
            await("the whole archive", () -> data.archivedThrough(archive, layout, total));
            connect.deleteConnector(topic);
            data.assertArchiveHoldsExactly(archive, layout, total);
        }
    }

    /**
     * Consumer groups' committed offsets reach the archive: the chosen groups' (named, or by regex) on the archived
     * topic only, again when they change, and a deleted group keeps its last snapshot.
     */
    @Test
    void snapshotsTheChosenConsumerGroupsOffsetsIntoTheArchive() throws Exception {
        String topic = "group-positions";
        String elsewhere = "group-positions-unarchived";
        Map<String, String> storage = memoryStores("groups-a", "groups-b", "groups-c");
        ArchiveLayout layout = new ArchiveLayout("it/" + topic);
        TopicData data = new TopicData(topic, PARTITIONS);
        createTopic(topic);
        createTopic(elsewhere);
        data.produce(connect.kafka(), 0, 600);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", connect.kafka().bootstrapServers()));
                KeyValueStore archive = StoreStack.open(storage, SCOPE)) {
            commit(admin, "billing", Map.of(p0, 40L, p1, 7L, new TopicPartition(elsewhere, 0), 0L));
            commit(admin, "team-a", Map.of(p0, 3L));
            commit(admin, "unchosen", Map.of(p0, 1L));
            Map<String, String> config = sinkConfig(topic, storage);
            config.put("groups", "billing,absent");
            config.put("groups.regex", "team-.*");
            config.put("groups.snapshot.interval.ms", "1000");
            config.put("groups.cluster.bootstrap.servers", connect.kafka().bootstrapServers());
            connect.configureConnector(topic, config);

            await("snapshots of billing and team-a", () -> layout.groups(archive).equals(Set.of("billing", "team-a")));
            assertThat(latest(archive, layout, "billing")).isEqualTo(Map.of(p0, 40L, p1, 7L));
            assertThat(latest(archive, layout, "team-a")).isEqualTo(Map.of(p0, 3L));

            commit(admin, "billing", Map.of(p0, 90L, p1, 7L));
            admin.deleteConsumerGroups(List.of("team-a")).all().get(30, TimeUnit.SECONDS);
            await("billing's new position", () -> latest(archive, layout, "billing").equals(Map.of(p0, 90L, p1, 7L)));
            commit(admin, "billing", Map.of(p0, 91L, p1, 7L));
            await("billing's newest position", () -> latest(archive, layout, "billing").equals(Map.of(p0, 91L, p1, 7L)));
            connect.deleteConnector(topic);

            assertThat(layout.groupSnapshots(archive, "billing")).hasSize(3);
            assertThat(layout.groupSnapshots(archive, "team-a")).hasSize(1);
            assertThat(latest(archive, layout, "team-a")).isEqualTo(Map.of(p0, 3L));
            assertThat(layout.groups(archive)).doesNotContain("unchosen", "absent");
            assertThat(layout.partitions(archive)).allMatch(partition -> partition.topic().equals(topic));
        }
    }

    private static void commit(Admin admin, String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        offsets.forEach((partition, offset) -> committed.put(partition, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(group, committed).all().get(30, TimeUnit.SECONDS);
    }

    private static Map<TopicPartition, Long> latest(KeyValueStore archive, ArchiveLayout layout, String group) {
        return layout.groupSnapshotAsOf(archive, group, Long.MAX_VALUE).map(GroupSnapshot::committedOffsets).orElse(Map.of());
    }

    @Test
    void storesDownBeyondTheToleranceDelayTheArchiveButLoseAndDuplicateNothing() throws Exception {
        String topic = "beyond-tolerance";
        Map<String, String> storage = faultyStores("down-a", "down-b", "down-c");
        int total = 20_000;
        TopicData data = new TopicData(topic, PARTITIONS);
        ArchiveLayout layout = new ArchiveLayout("it/" + topic);
        createTopic(topic);
        try (KeyValueStore archive = StoreStack.open(storage, SCOPE)) {
            Map<String, String> config = sinkConfig(topic, storage);
            config.put("retry.backoff.ms", "500");
            data.produce(connect.kafka(), 0, total / 2);
            connect.configureConnector(topic, config);
            await("a first part archived", () -> data.archivedThrough(archive, layout, 4_000));
            FaultyMemoryStoreType.faults("down-a").crash();
            FaultyMemoryStoreType.faults("down-b").crash();
            data.produce(connect.kafka(), total / 2, total);
            Thread.sleep(5_000); // the tasks meet the outage: puts fail and are retried, none succeeds
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(topic, 3,
                    "a store outage beyond t must not fail the tasks");
            FaultyMemoryStoreType.faults("down-a").heal();
            FaultyMemoryStoreType.faults("down-b").heal();
            await("the whole archive", () -> data.archivedThrough(archive, layout, total));
            connect.deleteConnector(topic);
            data.assertArchiveHoldsExactly(archive, layout, total);
        } finally {
            FaultyMemoryStoreType.faults("down-a").heal();
            FaultyMemoryStoreType.faults("down-b").heal();
        }
    }

    @Test
    void keepsExactlyOnceAcrossTaskRestartsAndRebalances() throws Exception {
        String topic = "restarts";
        int total = 40_000;
        TopicData data = new TopicData(topic, PARTITIONS);
        Map<String, String> storage = memoryStores("restart-a");
        ArchiveLayout layout = new ArchiveLayout("it/" + topic);
        createTopic(topic);
        try (KeyValueStore archive = StoreStack.open(storage, SCOPE)) {
            Map<String, String> config = sinkConfig(topic, storage);
            config.put("flush.size", "1500");
            connect.configureConnector(topic, config);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(topic, 3, "sink did not start");

            data.produce(connect.kafka(), 0, 10_000);
            await("first quarter", () -> data.archivedThrough(archive, layout, 5_000));
            connect.restartConnectorAndTasks(topic, false, true, false); // kill and restart every task mid-stream

            data.produce(connect.kafka(), 10_000, 20_000);
            var second = connect.addWorker(); // a rebalance moves tasks and partitions
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(topic, 3, "tasks did not move");
            await("second quarter", () -> data.archivedThrough(archive, layout, 15_000));

            data.produce(connect.kafka(), 20_000, 30_000);
            connect.removeWorker(second); // its tasks come back to the first worker
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(topic, 3, "tasks did not come back");

            data.produce(connect.kafka(), 30_000, total);
            await("the whole archive", () -> data.archivedThrough(archive, layout, total));
            connect.deleteConnector(topic);
            data.assertArchiveHoldsExactly(archive, layout, total);
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterQueueOrFailTheTask() throws Exception {
        String topic = "bad-records";
        createTopic(topic);
        int total = 1_000;
        try (var producer = connect.kafka().createProducer(TopicData.producerConfig())) {
            for (int i = 0; i < total; i++) {
                // Every tenth record is a tombstone, which the avro format cannot hold.
                String json = i % 10 == 0 ? null : "{\"schema\":{\"type\":\"struct\",\"name\":\"Order\",\"optional\":false,"
                        + "\"fields\":[{\"field\":\"id\",\"type\":\"int32\",\"optional\":false}]},\"payload\":{\"id\":" + i + "}}";
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null,
                        json == null ? null : json.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Map<String, String> storage = memoryStores("bad-a");
        Map<String, String> config = sinkConfig(topic, storage);
        config.put("format", "avro");
        config.put("value.converter", JsonConverter.class.getName());
        config.put("value.converter.schemas.enable", "true");

        Map<String, String> strict = new HashMap<>(config);
        strict.put("name", "strict-" + topic);
        strict.put("archive.prefix", "it/strict-" + topic);
        connect.configureConnector("strict-" + topic, strict);
        connect.assertions().assertConnectorIsRunningAndNumTasksHaveFailed("strict-" + topic, 3, 3,
                "a bad record with errors.tolerance=none must fail the task");
        assertThat(connect.connectorStatus("strict-" + topic).tasks())
                .allSatisfy(task -> assertThat(task.trace()).contains("errors.tolerance=all"));
        connect.deleteConnector("strict-" + topic);

        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", topic + "-dlq");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        connect.configureConnector(topic, config);
        ArchiveLayout layout = new ArchiveLayout("it/" + topic);
        try (KeyValueStore archive = StoreStack.open(storage, SCOPE)) {
            var dlq = connect.kafka().consume(total / 10, ARCHIVE_TIMEOUT.toMillis(), topic + "-dlq");
            assertThat(dlq.count()).isEqualTo(total / 10);
            dlq.forEach(record -> assertThat(record.value()).isNull());
            await("the good records archived", () -> {
                int archived = 0;
                for (int p = 0; p < PARTITIONS; p++) {
                    archived += readAll(archive, layout, new TopicPartition(topic, p)).size();
                }
                return archived == total - total / 10;
            });
            connect.deleteConnector(topic);
            for (int p = 0; p < PARTITIONS; p++) {
                List<Integer> ids = readAll(archive, layout, new TopicPartition(topic, p)).stream()
                        .map(record -> ((Struct) record.value().value()).getInt32("id")).toList();
                int partition = p;
                List<Integer> expected = IntStream.range(0, total)
                        .filter(i -> i % PARTITIONS == partition && i % 10 != 0).boxed().toList();
                assertThat(ids).as("archived ids of partition %d, in order, once", p).isEqualTo(expected);
            }
        }
    }

    private static List<io.mcst.connector.format.ArchivedRecord> readAll(KeyValueStore archive, ArchiveLayout layout,
            TopicPartition partition) {
        List<io.mcst.connector.format.ArchivedRecord> records = new ArrayList<>();
        for (var segment : layout.segments(archive, partition)) {
            records.addAll(RecordFormats.forExtension(segment.extension()).orElseThrow()
                    .read(segment, archive.get(segment.key()).orElseThrow()));
        }
        return records;
    }

    @Test
    void badConfigurationsAreRejectedThroughValidateNamingTheKey() {
        Map<String, String> twoStoresT1 = sinkConfig("v", memoryStores("v-a", "v-b"));
        twoStoresT1.put("replication.fault.tolerance", "1");
        assertErrorOn(twoStoresT1, "replication.fault.tolerance", "t < n/2");

        Map<String, String> unknownFormat = sinkConfig("v", memoryStores("v-a"));
        unknownFormat.put("format", "parquet");
        assertErrorOn(unknownFormat, "format", "parquet");

        Map<String, String> missingPath = sinkConfig("v", memoryStores("v-a"));
        missingPath.put("stores", "v-a,disk");
        missingPath.put("store.disk.type", "filesystem");
        assertErrorOn(missingPath, "store.disk.path", "path");

        Map<String, String> unknownType = sinkConfig("v", memoryStores("v-a"));
        unknownType.put("store.v-a.type", "floppy");
        assertErrorOn(unknownType, "store.v-a.type", "floppy");

        Map<String, String> codecForJson = sinkConfig("v", memoryStores("v-a"));
        codecForJson.put("format", "json");
        codecForJson.put("format.codec", "zstd");
        assertErrorOn(codecForJson, "format.codec", "json");

        Map<String, String> valid = sinkConfig("v", memoryStores("v-a"));
        ConfigInfos fine = connect.validateConnectorConfig(MultiCloudSinkConnector.class.getSimpleName(), valid);
        assertThat(fine.errorCount()).as(String.valueOf(errors(fine))).isZero();
    }

    private void assertErrorOn(Map<String, String> config, String key, String messagePart) {
        ConfigInfos result = connect.validateConnectorConfig(MultiCloudSinkConnector.class.getSimpleName(), config);
        Map<String, List<String>> errors = errors(result);
        assertThat(errors).as("errors for %s", config).containsKey(key);
        assertThat(errors.get(key)).anySatisfy(message -> assertThat(message).contains(messagePart));
        assertThat(result.errorCount()).isEqualTo(errors.values().stream().mapToInt(List::size).sum());
    }

    private static Map<String, List<String>> errors(ConfigInfos infos) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), new ArrayList<>(info.configValue().errors()));
            }
        }
        return errors;
    }
}
