package io.mcst.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.ReplayOffsetMap;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.schema.AvroWire;
import io.mcst.connector.schema.CustomerRecords;
import io.mcst.connector.schema.RegistrySchema;
import io.mcst.connector.schema.SchemaReference;
import io.mcst.connector.schema.SchemaRegistryClient;
import io.mcst.connector.schema.SchemaRegistryTestServer;
import io.mcst.connector.schema.WireFormat;
import io.mcst.connector.sink.MultiCloudSinkConnector;
import io.mcst.connector.source.MultiCloudSourceConnector;
import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stack.MetricsScope;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Topic → sink → three replicated stores → source → topic, on a real broker and Connect worker (one cluster for
 * the class, worker {@code exactly.once.source.support=enabled}). A 6-partition topic of 100,000 records (null
 * keys, tombstones, empty values, duplicate and null headers) is archived once, then replayed several ways; each
 * replayed partition is compared record by record (key, value, headers, timestamp, order) with the original,
 * reading with {@code isolation.level=read_committed}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiCloudSourceIntegrationTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("MultiCloudSourceIntegrationTest");

    private static final String TOPIC = "orders.v1";
    private static final String PREFIX = "it/replay";
    private static final int PARTITIONS = 6;
    private static final int RECORDS = 100_000;
    private static final List<String> STORES = List.of("replay-a", "replay-b", "replay-c");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final TopicData data = new TopicData(TOPIC, PARTITIONS);
    private EmbeddedConnectCluster connect;
    private Map<Integer, List<String>> original;

    @BeforeAll
    void startClusterAndArchive() throws Exception {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("listeners", "http://127.0.0.1:0");
        workerProps.put("offset.flush.interval.ms", "1000");
        workerProps.put("exactly.once.source.support", "enabled");
        // One broker: the transaction log of the exactly-once source tasks must make do with one replica.
        Properties brokerProps = new Properties();
        brokerProps.put("transaction.state.log.replication.factor", "1");
        brokerProps.put("transaction.state.log.min.isr", "1");
        connect = new EmbeddedConnectCluster.Builder().name("source-it").numWorkers(1).numBrokers(1)
                .brokerProps(brokerProps).workerProps(workerProps).build();
        connect.start();

        createTopic(TOPIC, PARTITIONS);
        data.produce(connect.kafka(), 0, RECORDS);
        original = readAll(TOPIC);
        assertThat(count(original)).isEqualTo(RECORDS);

        long started = System.nanoTime();
        connect.configureConnector("archive", sinkProps());
        try (KeyValueStore archive = StoreStack.open(storeProps(), SCOPE)) {
            await("the archive", () -> data.archivedThrough(archive, new ArchiveLayout(PREFIX), RECORDS));
        }
        System.out.printf("archive (sink, 3 stores): %d records in %.1f s%n", RECORDS, (System.nanoTime() - started) / 1e9);
        connect.deleteConnector("archive");
    }

    @AfterEach
    void healStores() {
        STORES.forEach(store -> FaultyMemoryStoreType.faults(store).heal());
    }

    @AfterAll
    void stopCluster() {
        if (connect != null) {
            connect.stop();
        }
    }

    @Test
    void replayIsByteExactPartitionByPartition() throws Exception {
        String target = TOPIC + "-restored";
        createTopic(target, PARTITIONS);

        long started = System.nanoTime();
        connect.configureConnector("replay", sourceProps(target, Map.of()));
        Map<Integer, List<String>> restored = awaitRecords(target, RECORDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("replay throughput (3 stores, exactly-once): %d records in %.1f s = %.0f records/s%n",
                RECORDS, seconds, RECORDS / seconds);

        assertSamePartitions(restored, original);
        connect.deleteConnector("replay");
        assertSamePartitions(readAll(target), original);
    }

    @Test
    void replayCompletesWhileStoresCrash() throws Exception {
        String target = TOPIC + "-crashed";
        createTopic(target, PARTITIONS);
        FaultInjectingStore c = FaultyMemoryStoreType.faults("replay-c");
        FaultInjectingStore b = FaultyMemoryStoreType.faults("replay-b");
        // Cloud-like latency keeps the replay going for seconds, so the outages below land mid-replay on a
        // fast machine too (an unslowed replay can finish before the second crash).
        STORES.forEach(store -> FaultyMemoryStoreType.faults(store).delay(Duration.ofMillis(150)));

        connect.configureConnector("crashed", sourceProps(target, Map.of("batch.size", "1000")));
        assertThat(count(awaitRecords(target, RECORDS / 5))).as("crashing mid-replay").isLessThan(RECORDS);
        c.crash(); // one of three: a quorum still answers
        int beforeOutage = count(awaitRecords(target, 2 * RECORDS / 5));
        b.crash(); // two of three: no quorum; reads are retried, nothing is skipped
        Thread.sleep(3_000);
        int duringOutage = count(readAll(target));
        b.heal();
        Map<Integer, List<String>> restored = awaitRecords(target, RECORDS);

        assertThat(duringOutage).as("an outage stops the replay, it does not skip").isLessThan(RECORDS);
        assertThat(beforeOutage).isLessThanOrEqualTo(duringOutage);
        assertSamePartitions(restored, original);
        connect.deleteConnector("crashed");
        assertSamePartitions(readAll(target), original);
    }

    @Test
    void restartingTasksMidReplayNeitherLosesNorDuplicates() throws Exception {
        String target = TOPIC + "-restarted";
        createTopic(target, PARTITIONS);
        // Smaller batches (one transaction each) so the restart lands mid-replay.
        connect.configureConnector("restarted", sourceProps(target, Map.of("batch.size", "1000", "tasks.max", "2")));
        assertThat(count(awaitRecords(target, RECORDS / 5))).as("restarted mid-replay").isLessThan(RECORDS);

        connect.restartConnectorAndTasks("restarted", false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("restarted", 2, "tasks restarted");
        Map<Integer, List<String>> restored = awaitRecords(target, RECORDS);

        assertSamePartitions(restored, original);
        assertOffsetMapsLocateEveryRecord("restarted", target);
        connect.deleteConnector("restarted");
        assertSamePartitions(readAll(target), original);
    }

    /**
     * The replay's offset maps send a consumer that had read up to any archived record to the target offset of the
     * next one: the target offsets skip the transaction markers of the exactly-once replay, and the maps span the
     * tasks' restart. An unmapped range (offsets the map could not learn) may only send it earlier, never later.
     */
    private void assertOffsetMapsLocateEveryRecord(String replay, String target) throws Exception {
        Map<Integer, List<Long>> archivedOffsets = offsetsByPartition(TOPIC);
        Map<Integer, List<Long>> targetOffsets = offsetsByPartition(target);
        ArchiveLayout layout = new ArchiveLayout(PREFIX);
        try (KeyValueStore archive = StoreStack.open(storeProps(), SCOPE)) {
            await("offset maps up to the last record", () -> archivedOffsets.entrySet().stream().allMatch(partition ->
                    layout.replayMap(archive, replay, new TopicPartition(TOPIC, partition.getKey()))
                            .map(ReplayOffsetMap::lastArchivedOffset)
                            .filter(last -> last.isPresent()
                                    && last.getAsLong() == partition.getValue().get(partition.getValue().size() - 1))
                            .isPresent()));
            int unmapped = 0;
            for (int partition = 0; partition < PARTITIONS; partition++) {
                ReplayOffsetMap map = layout.replayMap(archive, replay, new TopicPartition(TOPIC, partition)).orElseThrow();
                assertThat(map.target()).isEqualTo(new TopicPartition(target, partition));
                unmapped += (int) map.entries().stream().filter(ReplayOffsetMap.Unmapped.class::isInstance).count();
                List<Long> archived = archivedOffsets.get(partition);
                List<Long> replayed = targetOffsets.get(partition);
                for (int i = 0; i < archived.size(); i++) {
                    long offset = archived.get(i);
                    long resume = map.targetFor(offset).orElseThrow();
                    assertThat(resume).as("partition %d, archived offset %d", partition, offset)
                            .isLessThanOrEqualTo(replayed.get(i));
                    if (resume != replayed.get(i)) {
                        assertThat(map.entries()).as("only an unmapped range is inexact").anyMatch(entry ->
                                entry instanceof ReplayOffsetMap.Unmapped && entry.archivedFirst() <= offset
                                        && offset <= entry.archivedLast());
                    }
                }
            }
            System.out.printf("offset maps of a replay restarted mid-way: %d unmapped ranges over %d partitions%n",
                    unmapped, PARTITIONS);
        }
    }

    @Test
    void aTimeWindowReplaysOnlyTheRecordsInsideIt() throws Exception {
        String target = TOPIC + "-window";
        createTopic(target, PARTITIONS);
        long from = data.timestamp(30_000);
        long to = data.timestamp(45_000);
        Map<Integer, List<String>> expected = filterByTimestamp(original, t -> t >= from && t < to);
        assertThat(count(expected)).isEqualTo(15_000);

        connect.configureConnector("window", sourceProps(target,
                Map.of("start.time", String.valueOf(from), "end.time", Instant.ofEpochMilli(to).toString())));
        Map<Integer, List<String>> restored = awaitRecords(target, 15_000);

        assertSamePartitions(restored, expected);
        connect.deleteConnector("window");
        assertSamePartitions(readAll(target), expected);
    }

    @Test
    void aTargetTopicWithFewerPartitionsFailsTheTaskBeforeReplayingAnything() throws Exception {
        String target = TOPIC + "-narrow";
        createTopic(target, 3);

        connect.configureConnector("narrow", sourceProps(target, Map.of("tasks.max", "1")));
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("narrow", 1, "task fails on a narrow target");

        ConnectorStateInfo status = connect.connectorStatus("narrow");
        assertThat(status.tasks().get(0).trace())
                .contains("target topic '" + target + "' has 3 partitions")
                .contains("archived partition " + TOPIC + "-3 replays into partition 3");
        assertThat(count(readAll(target))).isZero();
        connect.deleteConnector("narrow");
    }

    /**
     * A topic produced with a registry's Avro serializer is archived with its schemas and replayed into a second
     * registry that assigns other ids: with schema.id.rewrite, every record decodes, with plain Avro and the
     * schema the target registry returns for its id, to the original value.
     */
    @Test
    void aSchemadTopicIsReplayedIntoASecondRegistryWithItsOwnIds() throws Exception {
        String topic = "customers";
        String prefix = "it/schemas";
        int count = 200;
        try (SchemaRegistryTestServer source = new SchemaRegistryTestServer(1);
                SchemaRegistryTestServer target = new SchemaRegistryTestServer(1_000, "replayer:secret")) {
            target.register("unrelated-value", "AVRO", "\"string\"");
            CustomerRecords customers = new CustomerRecords(source);
            createTopic(topic, 2);
            try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(TopicData.producerConfig())) {
                for (int i = 0; i < count; i++) {
                    SinkRecord record = customers.record(new TopicPartition(topic, i % 2), i);
                    producer.send(new ProducerRecord<>(topic, i % 2, (byte[]) record.key(), (byte[]) record.value()));
                }
            }
            Map<String, String> sink = new HashMap<>(sinkProps());
            sink.putAll(Map.of("topics", topic, "archive.prefix", prefix, "tasks.max", "1", "flush.size", "50",
                    "schema.registry.url", source.url()));
            connect.configureConnector("schema-archive", sink);
            ArchiveLayout layout = new ArchiveLayout(prefix);
            try (KeyValueStore archive = StoreStack.open(storeProps(), SCOPE)) {
                await("the schema'd archive", () -> List.of(0, 1).stream().allMatch(p -> archive
                        .get(layout.indexKey(new TopicPartition(topic, p)))
                        .map(bytes -> PartitionIndex.parse("index", bytes).lastOffset() == count / 2 - 1).orElse(false)));
                assertThat(archive.list(prefix + "/" + ArchiveLayout.SCHEMAS_DIRECTORY + "/")).hasSize(3);
            }
            connect.deleteConnector("schema-archive");

            String restored = topic + "-restored";
            createTopic(restored, 2);
            Map<String, String> replay = new HashMap<>(sourceProps(restored, Map.of()));
            replay.putAll(Map.of("archive.topics", topic, "archive.prefix", prefix,
                    "topic.rename.format", "${topic}-restored", "schema.registry.url", target.url(),
                    "schema.registry.basic.auth.user.info", "replayer:secret", "schema.id.rewrite", "true"));
            connect.configureConnector("schema-replay", replay);
            await("the schema'd replay", () -> count(readAll(restored)) >= count);
            connect.deleteConnector("schema-replay");

            SchemaRegistryClient registry = new SchemaRegistryClient(target.url(), Optional.of(new Password("replayer:secret")));
            List<ConsumerRecord<byte[], byte[]>> records = readRecords(restored);
            assertThat(records).hasSize(count);
            assertThat(registry.idOf("customers-value", 1)).isNotEqualTo(customers.customerId);
            Set<Long> seen = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                long sequence = (Long) AvroWire.decode(record.key(), targetSchema(registry, record.key())).get("id");
                assertThat(seen.add(sequence)).as("record %d once", sequence).isTrue();
                assertThat(record.partition()).isEqualTo((int) (sequence % 2));
                if (CustomerRecords.serialized(sequence)) {
                    assertThat(WireFormat.schemaId(record.value())).hasValue(registry.idOf("customers-value", 1));
                    assertThat(AvroWire.decode(record.value(), targetSchema(registry, record.value())))
                            .isEqualTo(CustomerRecords.value(sequence));
                } else {
                    assertThat(record.value()).isEqualTo(customers.record(new TopicPartition(topic, 0), sequence).value());
                }
            }
        }
    }

    /** The schema the target registry returns for the id {@code bytes} carry, references parsed first. */
    private static org.apache.avro.Schema targetSchema(SchemaRegistryClient registry, byte[] bytes) {
        RegistrySchema schema = registry.schemaById(WireFormat.schemaId(bytes).orElseThrow());
        org.apache.avro.Schema.Parser parser = new org.apache.avro.Schema.Parser();
        for (SchemaReference reference : schema.references()) {
            parser.parse(registry.schemaById(registry.idOf(reference.subject(), reference.version())).schema());
        }
        return parser.parse(schema.schema());
    }

    private Map<String, String> storeProps() {
        Map<String, String> props = new HashMap<>();
        props.put("stores", String.join(",", STORES));
        STORES.forEach(store -> props.put("store." + store + ".type", "faulty-memory"));
        return props;
    }

    private Map<String, String> sinkProps() {
        Map<String, String> props = new HashMap<>(storeProps());
        props.put("connector.class", MultiCloudSinkConnector.class.getName());
        props.put("topics", TOPIC);
        props.put("tasks.max", "3");
        props.put("archive.prefix", PREFIX);
        props.put("flush.size", "4000");
        props.put("rotate.schedule.interval.ms", "2000");
        putByteArrayConverters(props);
        return props;
    }

    private Map<String, String> sourceProps(String target, Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(storeProps());
        props.put("connector.class", MultiCloudSourceConnector.class.getName());
        props.put("tasks.max", "3");
        props.put("archive.topics", TOPIC);
        props.put("archive.prefix", PREFIX);
        props.put("topic.rename.format", target.replace(TOPIC, "${topic}"));
        props.put("target.cluster.bootstrap.servers", connect.kafka().bootstrapServers());
        props.put("archive.poll.interval.ms", "500");
        props.put("exactly.once.support", "required");
        putByteArrayConverters(props);
        props.putAll(overrides);
        return props;
    }

    /** Bytes in, bytes out, headers included: what makes a replay byte-exact. */
    private static void putByteArrayConverters(Map<String, String> props) {
        props.put("key.converter", ByteArrayConverter.class.getName());
        props.put("value.converter", ByteArrayConverter.class.getName());
        props.put("header.converter", ByteArrayConverter.class.getName());
    }

    /**
     * Creates {@code topic}, keeping records forever (replayed records keep their original timestamps, which
     * time-based retention may find old), and waits until the broker leads all its partitions.
     */
    private void createTopic(String topic, int partitions) throws InterruptedException {
        connect.kafka().createTopic(topic, partitions, 1, Map.of("retention.ms", "-1"));
        await("leaders of " + topic, () -> connect.kafka().describeTopics(topic).get(topic)
                .map(description -> description.partitions().size() == partitions
                        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                .orElse(false));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /** Reads {@code topic} until it holds {@code expected} records or time runs out (the comparison then shows what is missing). */
    private Map<Integer, List<String>> awaitRecords(String topic, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Map<Integer, List<String>> records = readAll(topic);
            if (count(records) >= expected || System.nanoTime() > deadline) {
                return records;
            }
            Thread.sleep(500);
        }
    }

    private static int count(Map<Integer, List<String>> records) {
        return records.values().stream().mapToInt(List::size).sum();
    }

    /** Every committed record of {@code topic}, by partition, in order, as comparable text. */
    private Map<Integer, List<String>> readAll(String topic) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (int partition : connect.kafka().describeTopics(topic).get(topic).orElseThrow().partitions().stream()
                .map(info -> info.partition()).toList()) {
            byPartition.put(partition, new ArrayList<>());
        }
        readRecords(topic).forEach(record -> byPartition.get(record.partition()).add(describe(record)));
        return byPartition;
    }

    /** The offsets of every committed record of {@code topic}, by partition, in order. */
    private Map<Integer, List<Long>> offsetsByPartition(String topic) {
        Map<Integer, List<Long>> offsets = new HashMap<>();
        readRecords(topic).forEach(record ->
                offsets.computeIfAbsent(record.partition(), partition -> new ArrayList<>()).add(record.offset()));
        return offsets;
    }

    /** Every committed record of {@code topic}, partition by partition in order. */
    private List<ConsumerRecord<byte[], byte[]>> readRecords(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Key, value, timestamp and headers (order and duplicates kept); null distinct from empty. */
    private static String describe(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder text = new StringBuilder();
        text.append(bytes(record.key())).append('|').append(bytes(record.value())).append('|').append(record.timestamp());
        for (Header header : record.headers()) {
            text.append('|').append(header.key()).append('=').append(bytes(header.value()));
        }
        return text.toString();
    }

    private static String bytes(byte[] bytes) {
        return bytes == null ? "<null>" : "b64:" + Base64.getEncoder().encodeToString(bytes);
    }

    private static Map<Integer, List<String>> filterByTimestamp(Map<Integer, List<String>> records, LongPredicate keep) {
        Map<Integer, List<String>> filtered = new HashMap<>();
        records.forEach((partition, list) -> filtered.put(partition, list.stream()
                .filter(text -> keep.test(Long.parseLong(text.split("\\|")[2]))).toList()));
        return filtered;
    }

    private static void assertSamePartitions(Map<Integer, List<String>> actual, Map<Integer, List<String>> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (int partition : expected.keySet()) {
            List<String> got = actual.get(partition);
            List<String> want = expected.get(partition);
            for (int i = 0; i < Math.min(got.size(), want.size()); i++) {
                if (!got.get(i).equals(want.get(i))) {
                    assertThat(got.get(i)).as("partition %d, record %d of %d (expected %d)", partition, i, got.size(),
                            want.size()).isEqualTo(want.get(i));
                }
            }
            assertThat(got.size()).as("records in partition %d", partition).isEqualTo(want.size());
        }
    }
}
