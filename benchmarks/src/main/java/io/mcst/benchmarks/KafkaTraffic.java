package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

/**
 * The bare-client baselines: a {@link KafkaProducer} writing the benchmark's records (acks=all, otherwise
 * default settings but idempotence) and a {@link KafkaConsumer} draining a topic (default settings), both
 * timed from first record to last.
 */
final class KafkaTraffic {
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);

    private final EmbeddedKafkaCluster kafka;

    KafkaTraffic(EmbeddedKafkaCluster kafka) {
        this.kafka = requireNonNull(kafka, "kafka");
    }

    /** How fast a bare client moved {@code records} records, timed from its first record to its last. */
    record Rate(long records, Duration elapsed) {
        double perSecond() {
            return records / (elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Produces {@code count} records round-robin over {@code partitions} partitions: a key, a value of
     * {@code valueBytes} random bytes, one header, the send time as timestamp.
     */
    Rate produce(String topic, int partitions, long count, int valueBytes) {
        Payloads payloads = new Payloads(valueBytes, 11);
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        // Not idempotent: on the embedded broker an idempotent producer here can share a producer id with
        // the worker's producers and then loops on OUT_OF_ORDER_SEQUENCE_NUMBER, losing records.
        Map<String, Object> props = Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(props)) {
            producer.partitionsFor(topic); // metadata first, so the timed run does not include it
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("seq", Long.toString(i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), payloads.stamped(i), headers), (metadata, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
            long elapsed = System.nanoTime() - start;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + count + " records could not be produced to "
                        + topic, firstFailure.get());
            }
            return new Rate(count, Duration.ofNanos(elapsed));
        }
    }

    /** Creates {@code topic} and waits until every partition has a leader, so producers start cleanly. */
    void createTopic(String topic, int partitions) {
        kafka.createTopic(topic, partitions);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ready = kafka.describeTopics(topic).get(topic)
                    .map(description -> description.partitions().size() == partitions
                            && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                    .orElse(false);
            if (ready) {
                return;
            }
            ConnectRuns.sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("topic " + topic + " has no leader for every partition after a minute");
    }

    /** Reads all {@code count} records of {@code topic} from the beginning: each partition's digest, for comparing topics. */
    Map<Integer, String> digests(String topic, long count) {
        try (KafkaConsumer<byte[], byte[]> consumer = fromTheBeginning(topic)) {
            TopicDigest digest = new TopicDigest();
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (digest.records() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("read only " + digest.records() + " of " + count + " records of " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    digest.add(record);
                }
            }
            return digest.finish();
        }
    }

    /**
     * How fast a bare consumer reads all {@code count} records of {@code topic} from the beginning, doing nothing
     * with them: the best of {@code runs} reads, timed from the first record polled (the first read warms the
     * broker's and this JVM's paths as much as the connectors' earlier runs did theirs).
     */
    Rate consumeRate(String topic, long count, int runs) {
        Rate best = null;
        for (int run = 0; run < runs; run++) {
            Rate rate = consume(topic, count);
            if (best == null || rate.perSecond() > best.perSecond()) {
                best = rate;
            }
        }
        return best;
    }

    private Rate consume(String topic, long count) {
        try (KafkaConsumer<byte[], byte[]> consumer = fromTheBeginning(topic)) {
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            long first = 0;
            long read = 0;
            while (read < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("read only " + read + " of " + count + " records of " + topic);
                }
                int polled = consumer.poll(Duration.ofMillis(200)).count();
                if (polled > 0 && first == 0) {
                    first = System.nanoTime();
                }
                read += polled;
            }
            return new Rate(count, Duration.ofNanos(System.nanoTime() - first));
        }
    }

    /** A consumer of every partition of {@code topic}, at its beginning, committing nothing. */
    private KafkaConsumer<byte[], byte[]> fromTheBeginning(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumer(props);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
