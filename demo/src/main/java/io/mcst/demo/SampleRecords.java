package io.mcst.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Deterministic sample data with what a byte-exact archive must keep: keys and null keys, values, null values
 * (tombstones), binary values, empty values, several headers (repeated names, null header values), explicit
 * timestamps, records spread over every partition.
 */
final class SampleRecords {
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private SampleRecords() {}

    /**
     * A topic for the sample records or their replay. Their timestamps lie in 2023, so time-based retention
     * (7 days by default) would delete them within minutes of the broker's first retention check: keep them.
     */
    static NewTopic topic(String name, int partitions) {
        return new NewTopic(name, partitions, (short) 1).configs(Map.of("retention.ms", "-1"));
    }

    /**
     * Produces records {@code from} (inclusive) to {@code to} (exclusive) of the sample sequence and waits until
     * Kafka has every one of them; returns their value bytes.
     *
     * <p>One request in flight, not idempotent: on a loaded machine an idempotent producer's first batch to a
     * partition can time out and be overtaken by the next one, which the broker then accepts as the producer's
     * first; the retried first batch fails with OUT_OF_ORDER_SEQUENCE and its records are lost. One request in
     * flight keeps the order, and every send is checked, so a record that did not make it fails here instead of
     * showing up later as a sink that "archived only 774 of 1000 records".
     */
    static long produce(String bootstrapServers, String topic, int partitions, int from, int to)
            throws InterruptedException, ExecutionException {
        long bytes = 0;
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = from; i < to; i++) {
                ProducerRecord<byte[], byte[]> record = record(topic, partitions, i);
                bytes += record.value() == null ? 0 : record.value().length;
                sent.add(producer.send(record));
            }
            producer.flush();
            for (Future<RecordMetadata> send : sent) {
                send.get(); // throws with the cause if Kafka did not take the record
            }
        }
        return bytes;
    }

    static ProducerRecord<byte[], byte[]> record(String topic, int partitions, int i) {
        Random random = new Random(i);
        byte[] key = i % 17 == 0 ? null : utf8("customer-" + (i % 101));
        byte[] value;
        if (i % 29 == 0) {
            value = null;
        } else if (i % 31 == 0) {
            value = new byte[0];
        } else if (i % 7 == 0) {
            value = new byte[64 + random.nextInt(512)];
            random.nextBytes(value);
        } else {
            value = utf8("{\"order\":" + i + ",\"amount\":" + random.nextInt(100_000) + ",\"note\":\"ünïcødé ✓\"}");
        }
        List<Header> headers = new ArrayList<>();
        if (i % 3 != 0) {
            headers.add(new RecordHeader("trace-id", utf8(Long.toHexString(random.nextLong()))));
        }
        if (i % 5 == 0) {
            headers.add(new RecordHeader("tag", utf8("a")));
            headers.add(new RecordHeader("tag", utf8("b")));
            headers.add(new RecordHeader("empty", null));
        }
        return new ProducerRecord<>(topic, i % partitions, BASE_TIMESTAMP + i * 1_000L, key, value, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
