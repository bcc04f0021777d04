package io.mcst.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Archive → replay on a real broker and Connect worker (one cluster for the class, exactly-once source support
 * enabled): a 6-partition topic of 100,000 records with keys, headers, nulls and tombstones is archived once,
 * then replayed several ways, and every replayed partition is compared record by record with the original.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SourceReplayIntegrationTest {
    private static final String TOPIC = "orders.v1";
    private static final int PARTITIONS = 6;
    private static final int RECORDS = 100_000;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final String storePrefix = "replay-it-" + UUID.randomUUID().toString().substring(0, 8);
    private EmbeddedConnectCluster connect;
    private Map<Integer, List<String>> original;

    @BeforeAll
    void startClusterAndArchive() throws Exception {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("listeners", "http://127.0.0.1:0");
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("exactly.once.source.support", "enabled");
        workerProps.put("offset.flush.interval.ms", "1000");
        // One broker: the transaction log must make do with one replica for exactly-once source tasks.
        Properties brokerProps = new Properties();
        brokerProps.put("transaction.state.log.replication.factor", "1");
        brokerProps.put("transaction.state.log.min.isr", "1");
        connect = new EmbeddedConnectCluster.Builder().name("replay-it").numWorkers(1).numBrokers(1)
                .brokerProps(brokerProps).workerProps(workerProps).build();
        connect.start();
        createTopic(TOPIC, PARTITIONS);
        produceOriginal();
        original = readAll(TOPIC);
        assertThat(count(original)).isEqualTo(RECORDS);
        archive();
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
        System.out.printf("replay throughput: %d records in %.1f s = %.0f records/s%n", RECORDS, seconds, RECORDS / seconds);

        assertSamePartitions(restored, original);
        connect.deleteConnector("replay");
        assertSamePartitions(readAll(target), original);
    }

    @Test
    void aTimeWindowReplaysOnlyTheRecordsInsideIt() throws Exception {
        String target = TOPIC + "-window";
        createTopic(target, PARTITIONS);
        long from = BASE_TIMESTAMP + 30_000;
        long to = BASE_TIMESTAMP + 45_000;
        Map<Integer, List<String>> expected = filterByTimestamp(original, t -> t >= from && t < to);
        int expectedCount = count(expected);
        assertThat(expectedCount).isEqualTo(15_000);

        connect.configureConnector("window", sourceProps(target,
                Map.of("start.time", String.valueOf(from), "end.time", java.time.Instant.ofEpochMilli(to).toString())));
        Map<Integer, List<String>> restored = awaitRecords(target, expectedCount);

        assertSamePartitions(restored, expected);
        connect.deleteConnector("window");
        assertSamePartitions(readAll(target), expected);
    }

    @Test
    void restartingTasksMidReplayNeitherLosesNorDuplicates() throws Exception {
        String target = TOPIC + "-restarted";
        createTopic(target, PARTITIONS);
        // Small batches (one transaction each) so the restart lands mid-replay.
        connect.configureConnector("restarted", sourceProps(target, Map.of("batch.size", "1000", "tasks.max", "2")));
        int beforeRestart = count(awaitRecords(target, RECORDS / 5));
        assertThat(beforeRestart).as("restarted mid-replay").isLessThan(RECORDS);

        connect.restartConnectorAndTasks("restarted", false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("restarted", 2, "tasks restarted");
        Map<Integer, List<String>> restored = awaitRecords(target, RECORDS);

        assertSamePartitions(restored, original);
        connect.deleteConnector("restarted");
        assertSamePartitions(readAll(target), original);
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
                .contains("replays into partition 3");
        assertThat(readAll(target).values()).allSatisfy(records -> assertThat(records).isEmpty());
        connect.deleteConnector("narrow");
    }

    /**
     * Topics keep records forever: the records carry timestamps from 2023, and time-based retention would delete
     * them (original or replayed) within minutes of their arrival.
     */
    private void createTopic(String topic, int partitions) {
        connect.kafka().createTopic(topic, partitions, 1, Map.of("retention.ms", "-1"));
    }

    private Map<String, String> sourceProps(String target, Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(storeProps());
        props.put("connector.class", MultiCloudSourceConnector.class.getName());
        props.put("tasks.max", "3");
        props.put("archive.topics", TOPIC);
        props.put("topic.rename.format", target.replace(TOPIC, "${topic}"));
        props.put("target.cluster.bootstrap.servers", connect.kafka().bootstrapServers());
        props.put("archive.poll.interval.ms", "500");
        props.put("key.converter", ByteArrayConverter.class.getName());
        props.put("value.converter", ByteArrayConverter.class.getName());
        props.put("header.converter", ByteArrayConverter.class.getName());
        props.put("exactly.once.support", "required");
        props.putAll(overrides);
        return props;
    }

    private Map<String, String> storeProps() {
        return Map.of("stores", storePrefix + "-a", "store." + storePrefix + "-a.type", "memory");
    }

    /** Archives the original topic into the stores, as the sink does. */
    private void archive() {
        try (KeyValueStore store = StoreStack.open(storeProps())) {
            new ArchiveFixture(store).archive(TOPIC, readAllRecords(TOPIC), 4_000);
        }
    }

    private void produceOriginal() {
        Random random = new Random(42);
        // One request in flight keeps each partition's order through retries (a fresh topic's leader may move).
        Map<String, Object> props = Map.of("linger.ms", 20, "batch.size", 262_144, "acks", "all",
                "enable.idempotence", false, "max.in.flight.requests.per.connection", 1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(new HashMap<>(props))) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] key = i % 10 == 3 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
                byte[] value;
                if (i % 50 == 7) {
                    value = null; // tombstone
                } else {
                    value = new byte[i % 97 == 0 ? 0 : random.nextInt(200)];
                    random.nextBytes(value);
                }
                RecordHeaders headers = new RecordHeaders();
                if (i % 3 == 0) {
                    headers.add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
                }
                if (i % 11 == 0) {
                    headers.add("dup", new byte[] {1}).add("dup", new byte[] {2}).add("null", null);
                }
                // Each partition's timestamps rise by 1 ms a record; window tests select on them.
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, BASE_TIMESTAMP + i, key, value, headers),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        assertThat(failure.get()).as("producing the original topic").isNull();
    }

    private Map<Integer, List<String>> awaitRecords(String topic, int expected) throws Exception {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (true) {
            Map<Integer, List<String>> records = readAll(topic);
            int count = count(records);
            if (count >= expected || System.nanoTime() > deadline) {
                return records; // short: the comparison that follows shows what is missing
            }
            Thread.sleep(500);
        }
    }

    private static int count(Map<Integer, List<String>> records) {
        return records.values().stream().mapToInt(List::size).sum();
    }

    /** Every committed record of {@code topic}, by partition, as comparable text. */
    private Map<Integer, List<String>> readAll(String topic) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : readAllRecords(topic)) {
            byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(describe(record));
        }
        for (int p = 0; p < PARTITIONS; p++) {
            byPartition.putIfAbsent(p, List.of());
        }
        return byPartition;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAllRecords(String topic) {
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
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Key, value, headers (order and duplicates kept) and timestamp; null distinct from empty. */
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
