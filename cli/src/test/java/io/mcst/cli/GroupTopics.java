package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

/**
 * The topics and consumer groups of the offset-restore tests: producing the three kinds of source topic (plain,
 * compacted with offsets removed, transactional with markers and an aborted transaction), consuming part of one
 * in a group and committing, and reading a topic as a group or whole, read_committed, as comparable text.
 */
final class GroupTopics {
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Recent, or the broker's time-based retention would delete the records as soon as produced. */
    private static final long BASE_TIMESTAMP = System.currentTimeMillis() - 60_000;

    private GroupTopics() {}

    /** One topic's committed records, by partition, each with its offset, in offset order. */
    record View(String topic, Map<Integer, List<Entry>> partitions) {
        int count() {
            return partitions.values().stream().mapToInt(List::size).sum();
        }

        /** The records of each partition at or after the offset {@code positions} gives it. */
        Map<Integer, List<String>> from(Map<TopicPartition, Long> positions) {
            Map<Integer, List<String>> rest = new TreeMap<>();
            partitions.forEach((partition, entries) -> {
                long position = positions.get(new TopicPartition(topic, partition));
                rest.put(partition, entries.stream().filter(e -> e.offset() >= position).map(Entry::record).toList());
            });
            return rest;
        }

        /** Whether some partition's offsets are not contiguous from 0: what compaction or transaction markers leave. */
        boolean hasGaps() {
            return partitions.values().stream().anyMatch(entries -> !entries.isEmpty()
                    && entries.get(entries.size() - 1).offset() != entries.size() - 1);
        }
    }

    /** A record's offset and its key, value, timestamp and headers as text. */
    record Entry(long offset, String record) {}

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static RecordHeaders headers(long i) {
        RecordHeaders headers = new RecordHeaders();
        if (i % 3 != 0) {
            headers.add("trace", utf8(Long.toString(i)));
            headers.add("dup", new byte[] {1});
            headers.add("dup", new byte[] {(byte) i});
        }
        return headers;
    }

    private static byte[] value(long i) {
        byte[] value = new byte[16 + (int) (i % 48)];
        for (int b = 0; b < value.length; b++) {
            value[b] = (byte) (i * 31 + b);
        }
        return value;
    }

    private static Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.ACKS_CONFIG, "all");
    }

    /** {@code count} records spread over {@code partitions}: null and repeated keys, empty values, headers. */
    static void producePlain(EmbeddedKafkaCluster kafka, String topic, int partitions, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(producerConfig())) {
            for (long i = 0; i < count; i++) {
                byte[] key = i % 7 == 0 ? null : utf8("key-" + i % 50);
                byte[] value = i % 11 == 0 ? new byte[0] : value(i);
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), BASE_TIMESTAMP + i, key, value, headers(i)));
            }
            producer.flush();
        }
    }

    /**
     * Records whose keys repeat, in rounds far enough apart that each round starts a new log segment (the
     * topic's segment.ms is short); then waits until the log cleaner has compacted some away, so the offsets
     * the consumers and the archive see have gaps.
     */
    static void produceCompacted(EmbeddedKafkaCluster kafka, String topic, int partitions, int rounds, int perRound)
            throws Exception {
        long i = 0;
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(producerConfig())) {
            for (int round = 0; round < rounds; round++) {
                for (int n = 0; n < perRound; n++, i++) {
                    byte[] value = i % 13 == 0 ? null : value(i); // tombstones stay (delete.retention.ms)
                    producer.send(new ProducerRecord<>(topic, (int) (i % partitions), BASE_TIMESTAMP + i,
                            utf8("account-" + i % 12), value, headers(i)));
                }
                producer.flush();
                Thread.sleep(150);
            }
        }
        await("the log cleaner to compact " + topic, () -> read(kafka, topic).hasGaps());
    }

    /**
     * Records written in transactions, every third one aborted: the commit and abort markers leave offset gaps,
     * and a read_committed consumer never sees the aborted records.
     */
    static void produceTransactional(EmbeddedKafkaCluster kafka, String topic, int partitions, int transactions,
            int perTransaction) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-producer");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        long i = 0;
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(config)) {
            producer.initTransactions();
            for (int t = 0; t < transactions; t++) {
                producer.beginTransaction();
                for (int n = 0; n < perTransaction; n++, i++) {
                    producer.send(new ProducerRecord<>(topic, (int) (i % partitions), BASE_TIMESTAMP + i,
                            utf8("payment-" + i), value(i), headers(i)));
                }
                if (t % 3 == 2) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
    }

    /** Every committed record of {@code topic}, read_committed. */
    static View read(EmbeddedKafkaCluster kafka, String topic) {
        Map<Integer, List<Entry>> partitions = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumer(readCommitted())) {
            List<TopicPartition> all = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            all.forEach(tp -> partitions.put(tp.partition(), new ArrayList<>()));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (all.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    partitions.get(record.partition()).add(new Entry(record.offset(), describe(record)));
                }
            }
        }
        return new View(topic, partitions);
    }

    /**
     * Consumes {@code topic} in {@code group}: from each partition the number of records {@code quota} gives
     * (all of them where it is absent), then commits. A partition read to its end commits the consumer's
     * position, as auto-commit does, which lies past a trailing transaction marker; the others commit the
     * offset after the last record processed, as a consumer committing per record does.
     *
     * @return the committed offsets
     */
    static Map<TopicPartition, Long> consumeAndCommit(EmbeddedKafkaCluster kafka, String group, String topic,
            Map<Integer, Integer> quota) {
        Map<String, Object> props = readCommitted();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        Map<TopicPartition, Long> committed = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumer(props)) {
            List<TopicPartition> all = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            Map<TopicPartition, Integer> processed = new HashMap<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (committed.size() < all.size()) {
                assertThat(System.nanoTime()).as("consuming %s in %s", topic, group).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    int wanted = quota.getOrDefault(record.partition(), Integer.MAX_VALUE);
                    if (!committed.containsKey(tp) && processed.merge(tp, 1, Integer::sum) == wanted) {
                        committed.put(tp, record.offset() + 1);
                        consumer.pause(List.of(tp));
                    }
                }
                for (TopicPartition tp : all) {
                    if (!committed.containsKey(tp) && !quota.containsKey(tp.partition()) && consumer.position(tp) >= ends.get(tp)) {
                        committed.put(tp, consumer.position(tp));
                    }
                }
            }
            Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
            committed.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
            consumer.commitSync(commit);
        }
        return committed;
    }

    /**
     * What a consumer of {@code group} subscribed to {@code topic} reads from its committed offsets to the end,
     * by partition. It has no reset policy: a partition without a committed offset fails the read.
     */
    static Map<Integer, List<String>> readAsGroup(EmbeddedKafkaCluster kafka, String group, String topic) {
        Map<String, Object> props = readCommitted();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<Integer, List<String>> read = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumerAndSubscribeTo(props, topic)) {
            List<TopicPartition> all = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            all.forEach(tp -> read.put(tp.partition(), new ArrayList<>()));
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.assignment().size() < all.size()
                    || all.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s as %s", topic, group).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read.get(record.partition()).add(describe(record));
                }
            }
        }
        return read;
    }

    private static Map<String, Object> readCommitted() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
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

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
    }
}
