package io.mcst.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Compares two topics partition by partition, record by record: key, value, headers (names, values, order)
 * and timestamp, byte for byte. Offsets may differ (a restored topic starts at 0); order and content may not.
 */
final class TopicComparison {
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    /** One record as the comparison sees it; equal to another record with the same bytes, timestamp and headers. */
    record Entry(byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers, long timestamp) {
        boolean sameAs(Entry other) {
            if (!Arrays.equals(key, other.key) || !Arrays.equals(value, other.value) || timestamp != other.timestamp
                    || headers.size() != other.headers.size()) {
                return false;
            }
            for (int i = 0; i < headers.size(); i++) {
                if (!headers.get(i).getKey().equals(other.headers.get(i).getKey())
                        || !Arrays.equals(headers.get(i).getValue(), other.headers.get(i).getValue())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Entry entry && sameAs(entry);
        }

        @Override
        public int hashCode() {
            int hash = Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), timestamp);
            for (Map.Entry<String, byte[]> header : headers) {
                hash = 31 * hash + header.getKey().hashCode() * 17 + Arrays.hashCode(header.getValue());
            }
            return hash;
        }

        long bytes() {
            long total = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
            for (Map.Entry<String, byte[]> header : headers) {
                total += header.getKey().length() + (header.getValue() == null ? 0 : header.getValue().length);
            }
            return total;
        }

        @Override
        public String toString() {
            return "key=" + text(key) + " value=" + text(value) + " timestamp=" + timestamp + " headers="
                    + headers.stream().map(h -> h.getKey() + ":" + text(h.getValue())).toList();
        }

        private static String text(byte[] bytes) {
            return bytes == null ? "null" : bytes.length + " bytes " + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 12)));
        }
    }

    /**
     * The outcome: records and bytes compared; records of the expected topic missing from the actual one
     * ({@code lost}), extra copies of expected records ({@code duplicated}), actual records the expected topic
     * does not hold at all ({@code unexpected}, e.g. a corrupted copy); and a description of each difference
     * found (at most a few), which also catches a reordering.
     */
    record Result(long records, long bytes, long lost, long duplicated, long unexpected, List<String> differences) {
        boolean identical() {
            return differences.isEmpty();
        }
    }

    private TopicComparison() {}

    static Result compare(String bootstrapServers, String expectedTopic, String actualTopic) {
        return compare(expectedTopic, readAll(bootstrapServers, expectedTopic), actualTopic, readAll(bootstrapServers, actualTopic));
    }

    /** Compares two topics already read, by partition; the names only label the differences. */
    static Result compare(String expectedTopic, Map<Integer, List<Entry>> expected, String actualTopic,
            Map<Integer, List<Entry>> actual) {
        List<String> differences = new ArrayList<>();
        long records = 0;
        long bytes = 0;
        long lost = 0;
        long duplicated = 0;
        long unexpected = 0;
        for (int partition : expected.keySet()) {
            List<Entry> want = expected.get(partition);
            List<Entry> got = actual.getOrDefault(partition, List.of());
            Map<Entry, Integer> wanted = counts(want);
            Map<Entry, Integer> found = counts(got);
            long partitionLost = 0;
            long partitionDuplicated = 0;
            long partitionUnexpected = 0;
            for (Map.Entry<Entry, Integer> entry : wanted.entrySet()) {
                partitionLost += Math.max(0, entry.getValue() - found.getOrDefault(entry.getKey(), 0));
            }
            for (Map.Entry<Entry, Integer> entry : found.entrySet()) {
                int copies = wanted.getOrDefault(entry.getKey(), 0);
                if (copies == 0) {
                    partitionUnexpected += entry.getValue();
                } else {
                    partitionDuplicated += Math.max(0, entry.getValue() - copies);
                }
            }
            if (want.size() != got.size() || partitionLost + partitionDuplicated + partitionUnexpected > 0) {
                differences.add("partition " + partition + ": " + expectedTopic + " has " + want.size() + " records, "
                        + actualTopic + " has " + got.size() + " (" + partitionLost + " lost, " + partitionDuplicated
                        + " duplicated, " + partitionUnexpected + " unexpected)");
            }
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                if (!want.get(i).sameAs(got.get(i))) {
                    differences.add("partition " + partition + " record " + i + ": expected " + want.get(i) + " but got " + got.get(i));
                }
            }
            records += want.size();
            bytes += want.stream().mapToLong(Entry::bytes).sum();
            lost += partitionLost;
            duplicated += partitionDuplicated;
            unexpected += partitionUnexpected;
        }
        for (int partition : actual.keySet()) {
            if (!expected.containsKey(partition) && !actual.get(partition).isEmpty()) {
                differences.add("partition " + partition + " of " + actualTopic + " has " + actual.get(partition).size()
                        + " records; " + expectedTopic + " has no such partition");
                unexpected += actual.get(partition).size();
            }
        }
        return new Result(records, bytes, lost, duplicated, unexpected, differences.stream().limit(10).toList());
    }

    private static Map<Entry, Integer> counts(List<Entry> entries) {
        Map<Entry, Integer> counts = new HashMap<>();
        entries.forEach(entry -> counts.merge(entry, 1, Integer::sum));
        return counts;
    }

    /** Every record of {@code topic} up to its current end, by partition. */
    static Map<Integer, List<Entry>> readAll(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "mcst-compare-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<Integer, List<Entry>> byPartition = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, READ_TIMEOUT));
            partitions.forEach(p -> byPartition.put(p.partition(), new ArrayList<>()));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, READ_TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
                        byPartition.get(record.partition()).add(entry(record));
                    }
                }
            }
        }
        return byPartition;
    }

    private static Entry entry(ConsumerRecord<byte[], byte[]> record) {
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new java.util.AbstractMap.SimpleImmutableEntry<>(header.key(), header.value()));
        }
        return new Entry(record.key(), record.value(), headers, record.timestamp());
    }
}
