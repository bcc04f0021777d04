package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every record of a 100,000-record archive comes back from the exported files, field by field. */
class ExportRoundTripTest {
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
    private static final int PER_PARTITION = 50_000;
    private static final int PER_SEGMENT = 5_000;

    @TempDir
    Path dir;

    @Test
    void jsonlAndAvroExportsHoldEveryRecordAndATimeWindowExactlyItsRecords() throws Exception {
        Map<String, String> props = DirectoryArchive.props(dir, 3);
        Path config = DirectoryArchive.writeProperties(dir.resolve("sink.properties"), props);
        Map<String, SinkRecord> written = new HashMap<>();
        try (SinkDriver sink = new SinkDriver(props, PARTITIONS)) {
            for (long from = 0; from < PER_PARTITION; from += PER_SEGMENT) {
                for (TopicPartition partition : PARTITIONS) {
                    List<SinkRecord> batch = SinkDriver.records(partition, from, from + PER_SEGMENT, LocalArchiveTest.BASE_TIME);
                    batch.forEach(r -> written.put(id(r.topic(), r.kafkaPartition(), r.kafkaOffset()), r));
                    sink.put(batch);
                }
            }
        }

        CliRun jsonl = CliRun.of("export", "-c", config.toString(), "--to", dir.resolve("jsonl").toString());
        assertThat(jsonl.exitCode()).as(jsonl.toString()).isZero();
        assertThat(jsonl.out()).contains("exported 100000 records of 20 segments in 2 partitions");
        Map<String, JsonNode> lines = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (TopicPartition partition : PARTITIONS) {
            try (BufferedReader reader = Files.newBufferedReader(dir.resolve("jsonl/orders/" + partition.partition() + ".jsonl"))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    JsonNode node = json.readTree(line);
                    assertThat(lines.put(id(node.get("topic").asText(), node.get("partition").asInt(), node.get("offset").asLong()), node))
                            .as("exported once").isNull();
                }
            }
        }
        assertThat(lines).hasSize(written.size());
        written.forEach((id, original) -> assertJsonLine(lines.get(id), original));

        CliRun avro = CliRun.of("export", "-c", config.toString(), "--to", dir.resolve("avro").toString(), "--format", "avro");
        assertThat(avro.exitCode()).as(avro.toString()).isZero();
        int avroRecords = 0;
        for (TopicPartition partition : PARTITIONS) {
            try (DataFileReader<GenericRecord> reader = new DataFileReader<>(
                    dir.resolve("avro/orders/" + partition.partition() + ".avro").toFile(), new GenericDatumReader<>())) {
                for (GenericRecord record : reader) {
                    avroRecords++;
                    SinkRecord original = written.get(id(record.get("topic").toString(), (Integer) record.get("partition"),
                            (Long) record.get("offset")));
                    assertThat(record.get("timestamp")).isEqualTo(original.timestamp());
                    assertThat(bytes((ByteBuffer) record.get("key"))).isEqualTo((byte[]) original.key());
                    assertThat(bytes((ByteBuffer) record.get("value"))).isEqualTo((byte[]) original.value());
                    @SuppressWarnings("unchecked")
                    List<GenericRecord> headers = (List<GenericRecord>) record.get("headers");
                    List<Header> expected = headers(original);
                    assertThat(headers).hasSameSizeAs(expected);
                    for (int i = 0; i < headers.size(); i++) {
                        assertThat(headers.get(i).get("key").toString()).isEqualTo(expected.get(i).key());
                        assertThat(bytes((ByteBuffer) headers.get(i).get("value"))).isEqualTo((byte[]) expected.get(i).value());
                    }
                }
            }
        }
        assertThat(avroRecords).isEqualTo(written.size());

        // A window: records at offsets 12,345..23,455 (times BASE_TIME + offset * 1000) of each partition.
        long from = LocalArchiveTest.BASE_TIME + 12_345_000L;
        long to = LocalArchiveTest.BASE_TIME + 23_456_000L;
        CliRun window = CliRun.of("export", "-c", config.toString(), "--to", dir.resolve("window").toString(),
                "--from", Long.toString(from), "--to-time", java.time.Instant.ofEpochMilli(to).toString());
        assertThat(window.exitCode()).as(window.toString()).isZero();
        // Only the segments 10,000..14,999, 15,000..19,999 and 20,000..24,999 of each partition are read.
        assertThat(window.out()).contains("exported " + 2 * (23_456 - 12_345) + " records of 6 segments");
        List<Long> offsets = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("window/orders/0.jsonl"))) {
            offsets.add(json.readTree(line).get("offset").asLong());
        }
        assertThat(offsets).hasSize(23_456 - 12_345).startsWith(12_345L).endsWith(23_455L);
    }

    private static void assertJsonLine(JsonNode line, SinkRecord original) {
        assertThat(line).as("offset %s", original.kafkaOffset()).isNotNull();
        assertThat(line.get("timestamp").asLong()).isEqualTo(original.timestamp());
        assertThat(line.get("timestampType").asText()).isEqualTo("CreateTime");
        assertThat(decode(line.get("key"))).isEqualTo((byte[]) original.key());
        assertThat(decode(line.get("value"))).isEqualTo((byte[]) original.value());
        List<Header> expected = headers(original);
        assertThat(line.get("headers")).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(line.get("headers").get(i).get("key").asText()).isEqualTo(expected.get(i).key());
            assertThat(decode(line.get("headers").get(i).get("value"))).isEqualTo((byte[]) expected.get(i).value());
        }
    }

    private static byte[] decode(JsonNode base64) {
        return base64.isNull() ? null : Base64.getDecoder().decode(base64.asText());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static List<Header> headers(SinkRecord record) {
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        return headers;
    }

    private static String id(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
