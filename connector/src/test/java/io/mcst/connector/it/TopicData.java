package io.mcst.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.format.RecordFormats;
import io.mcst.stores.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

/**
 * The records a test produces, as a pure function of their sequence number, so the archive can be checked
 * against them without holding them: record i goes to partition i % partitions, where it gets offset
 * i / partitions. Covers null keys, tombstones, empty values, duplicate and null-valued headers.
 */
final class TopicData {
    /** Recent, or the broker's retention (7 days by time) would delete the records as soon as produced. */
    private static final long BASE_TIMESTAMP = System.currentTimeMillis() - 60_000;

    private final String topic;
    private final int partitions;

    TopicData(String topic, int partitions) {
        this.topic = topic;
        this.partitions = partitions;
    }

    String topic() {
        return topic;
    }

    int partitions() {
        return partitions;
    }

    int partitionOf(long i) {
        return (int) (i % partitions);
    }

    byte[] key(long i) {
        return i % 10 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    byte[] value(long i) {
        if (i % 17 == 0) {
            return null;
        }
        if (i % 23 == 0) {
            return new byte[0];
        }
        byte[] value = new byte[64 + (int) (i % 64)];
        for (int b = 0; b < value.length; b++) {
            value[b] = (byte) (i * 31 + b);
        }
        return value;
    }

    RecordHeaders headers(long i) {
        RecordHeaders headers = new RecordHeaders();
        if (i % 3 == 0) {
            return headers;
        }
        headers.add("trace", Long.toString(i).getBytes(StandardCharsets.UTF_8));
        headers.add("dup", new byte[] {1});
        headers.add("dup", new byte[] {2});
        if (i % 5 == 0) {
            headers.add("nothing", null);
        }
        return headers;
    }

    long timestamp(long i) {
        return BASE_TIMESTAMP + i;
    }

    /**
     * Settings for test producers. Not idempotent: on a topic just created, an idempotent producer that
     * meets NOT_LEADER_OR_FOLLOWER can wedge in OUT_OF_ORDER_SEQUENCE retries until it times out. One
     * request in flight keeps the order; a duplicate from a retry would show as a wrong offset.
     */
    static Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    }

    /** Produces records [from, to) and waits until Kafka has them all. */
    void produce(EmbeddedKafkaCluster kafka, long from, long to) throws ExecutionException, InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(producerConfig())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (long i = from; i < to; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, partitionOf(i), timestamp(i), key(i), value(i), headers(i))));
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata metadata = sent.get(i).get();
                assertThat(metadata.offset()).as("offset of record %d", from + i).isEqualTo((from + i) / partitions);
            }
        }
    }

    /** Whether the archive's index registers say every partition holds its first {@code total / partitions} records. */
    boolean archivedThrough(KeyValueStore archive, ArchiveLayout layout, long total) {
        for (int p = 0; p < partitions; p++) {
            long expectedLast = countIn(p, total) - 1;
            TopicPartition partition = new TopicPartition(topic, p);
            Optional<byte[]> index = archive.get(layout.indexKey(partition));
            if (index.isEmpty() || PartitionIndex.parse(layout.indexKey(partition), index.get()).lastOffset() < expectedLast) {
                return false;
            }
        }
        return true;
    }

    private long countIn(int partition, long total) {
        return total / partitions + (partition < total % partitions ? 1 : 0);
    }

    /**
     * Reads every segment of the archive and checks it holds exactly the first {@code total} records: each
     * offset once, in order, with key, value, headers, timestamp and its type byte-equal.
     */
    void assertArchiveHoldsExactly(KeyValueStore archive, ArchiveLayout layout, long total) {
        for (int p = 0; p < partitions; p++) {
            TopicPartition partition = new TopicPartition(topic, p);
            List<ArchivedRecord> read = new ArrayList<>();
            for (SegmentKey segment : layout.segments(archive, partition)) {
                read.addAll(RecordFormats.forExtension(segment.extension()).orElseThrow()
                        .read(segment, archive.get(segment.key()).orElseThrow()));
            }
            assertThat(read).as("records archived for %s", partition).hasSize((int) countIn(p, total));
            for (int offset = 0; offset < read.size(); offset++) {
                ArchivedRecord actual = read.get(offset);
                long i = (long) offset * partitions + p;
                assertThat(actual.offset()).as("offset at position %d of %s (lost or duplicated)", offset, partition)
                        .isEqualTo(offset);
                assertThat(actual.partition()).isEqualTo(partition);
                assertThat((byte[]) actual.key().value()).as("key of record %d", i).isEqualTo(key(i));
                assertThat((byte[]) actual.value().value()).as("value of record %d", i).isEqualTo(value(i));
                assertThat(actual.timestamp()).isEqualTo(timestamp(i));
                assertThat(actual.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                List<String> expectedHeaders = new ArrayList<>();
                for (Header header : headers(i)) {
                    expectedHeaders.add(header.key() + "=" + describe(header.value()));
                }
                List<String> actualHeaders = actual.headers().stream()
                        .map(header -> header.key() + "=" + describe((byte[]) header.value())).toList();
                assertThat(actualHeaders).as("headers of record %d", i).isEqualTo(expectedHeaders);
            }
        }
    }

    private static String describe(byte[] bytes) {
        return bytes == null ? "<null>" : java.util.HexFormat.of().formatHex(bytes);
    }
}
