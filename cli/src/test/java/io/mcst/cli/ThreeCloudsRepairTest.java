package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.format.RecordFormats;
import static io.mcst.cli.SinkDriver.TEST_SCOPE;

import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.azure.AzuriteServer;
import io.mcst.stores.gcs.GcsTestServer;
import io.mcst.stores.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archive written by the sink over S3Proxy, Azurite and the GCS test server: a lost replica, a corrupt one
 * and an emptied store, then a fourth store (a directory) added. Verify names each exactly, repair fixes it,
 * and the archive then reads back byte-exact.
 */
class ThreeCloudsRepairTest {
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3ProxyServer s3;
    private static AzuriteServer azurite;
    private static GcsTestServer gcs;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServers() throws Exception {
        s3 = S3ProxyServer.started();
        s3.createBucket("archive");
        azurite = AzuriteServer.started();
        azurite.createContainer("archive");
        gcs = GcsTestServer.started();
        gcs.createBucket("archive");
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (azurite != null) {
            azurite.close();
        }
        if (gcs != null) {
            gcs.close();
        }
    }

    private Map<String, String> threeClouds(Path secrets) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("connector.class", "io.mcst.connector.sink.MultiCloudSinkConnector");
        props.put("topics", "orders");
        props.put("stores", "s3,azure,gcs");
        props.put("store.s3.type", "s3");
        props.put("store.s3.bucket", "archive");
        props.put("store.s3.region", "us-east-1");
        props.put("store.s3.endpoint", s3.endpoint().toString());
        props.put("store.s3.path.style", "true");
        props.put("store.s3.access.key.id", S3ProxyServer.CREDENTIALS.accessKeyId());
        // The secret through a config provider, as an operator keeps it out of the connector's JSON.
        props.put("store.s3.secret.access.key", "${file:" + secrets + ":s3.secret}");
        props.put("store.azure.type", "azure-blob");
        props.put("store.azure.container", "archive");
        props.put("store.azure.connection.string", azurite.connectionString());
        props.put("store.gcs.type", "gcs");
        props.put("store.gcs.bucket", "archive");
        props.put("store.gcs.project", "test-project");
        props.put("store.gcs.host", gcs.host());
        props.put("retry.backoff.initial.ms", "10");
        props.put("retry.backoff.max.ms", "50");
        props.put("rotate.schedule.interval.ms", "0"); // each put ends its segments
        return props;
    }

    private Path writeConfig(String name, Map<String, String> props) throws IOException {
        Path file = dir.resolve(name + ".json");
        JSON.writeValue(file.toFile(), Map.of("name", name, "config", props));
        return file;
    }

    private static Map<String, String> resolved(Map<String, String> props) {
        Map<String, String> resolved = new LinkedHashMap<>(props);
        resolved.put("store.s3.secret.access.key", S3ProxyServer.CREDENTIALS.secretAccessKey());
        return resolved;
    }

    @Test
    void verifyNamesEachLostCorruptAndMissingReplicaAndRepairRestoresTheArchiveByteExact() throws Exception {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "s3.secret=" + S3ProxyServer.CREDENTIALS.secretAccessKey() + "\n");
        Map<String, String> props = threeClouds(secrets);
        Path config = writeConfig("archive-orders", props);
        List<SinkRecord> written = new ArrayList<>();
        try (SinkDriver sink = new SinkDriver(resolved(props), PARTITIONS)) {
            for (int segment = 0; segment < 4; segment++) {
                for (TopicPartition partition : PARTITIONS) {
                    List<SinkRecord> batch = SinkDriver.records(partition, segment * 25L, segment * 25L + 25, LocalArchiveTest.BASE_TIME);
                    sink.put(batch);
                    written.addAll(batch);
                }
            }
        }
        // Stopping the sink abandons replica writes still in flight beyond the quorum: repair completes them.
        assertThat(run("repair", "-c", config.toString()).exitCode()).isZero();
        CliRun clean = run("verify", "-c", config.toString());
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out()).contains("verified: the archive is whole");

        List<String> keys;
        try (KeyValueStore archive = StoreStack.open(resolved(props), TEST_SCOPE)) {
            keys = archive.list("kafka-archive/");
        }
        assertThat(keys).hasSize(2 * (4 + 4 + 1)); // per partition: 4 segments, 4 time index entries, the index
        String lost = "kafka-archive/orders/0/00000000000000000025.envelope.avro";
        String corrupt = "kafka-archive/orders/1/00000000000000000050.envelope.avro";
        List<KeyValueStore> stores = StoreStack.openBaseStores(resolved(props), TEST_SCOPE);
        try {
            for (String key : stores.get(0).list(escaped(lost) + "/t/")) {
                stores.get(0).remove(key);
            }
            String corruptKey = stores.get(1).list(escaped(corrupt) + "/t/").get(0);
            byte[] bytes = stores.get(1).get(corruptKey).orElseThrow();
            bytes[bytes.length / 2] ^= 0x20;
            stores.get(1).put(corruptKey, bytes);
            for (String key : stores.get(2).list("")) {
                stores.get(2).remove(key); // gcs replaced by an empty bucket
            }
        } finally {
            stores.forEach(KeyValueStore::close);
        }

        Set<List<String>> expected = new HashSet<>();
        keys.forEach(key -> expected.add(List.of("replica_missing", key, "gcs")));
        expected.add(List.of("replica_missing", lost, "s3"));
        expected.add(List.of("below_quorum", lost, ""));
        expected.add(List.of("replica_corrupt", corrupt, "azure"));
        expected.add(List.of("below_quorum", corrupt, ""));
        CliRun broken = run("verify", "-c", config.toString(), "--json");
        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
        assertThat(findings(broken)).isEqualTo(expected);

        CliRun repair = run("repair", "-c", config.toString());
        assertThat(repair.exitCode()).as(repair.toString()).isZero();
        assertThat(repair.out()).contains("rewrite " + lost + " at s3, gcs").contains("rewrite " + corrupt + " at azure, gcs");
        assertThat(run("verify", "-c", config.toString()).exitCode()).isZero();
        CliRun again = run("repair", "-c", config.toString());
        assertThat(again.out()).as("idempotent").contains("0 keys rewritten at 0 store copies, 0 superseded copies removed");

        // A fourth store joins: every key is missing there until repair copies it.
        Map<String, String> four = new LinkedHashMap<>(props);
        four.put("stores", "s3,azure,gcs,local");
        four.put("store.local.type", "filesystem");
        four.put("store.local.path", dir.resolve("local").toString());
        Path fourConfig = writeConfig("archive-orders-4", four);
        Set<List<String>> missingAtLocal = new HashSet<>();
        keys.forEach(key -> missingAtLocal.add(List.of("replica_missing", key, "local")));
        CliRun added = run("verify", "-c", fourConfig.toString(), "--json");
        assertThat(findings(added)).isEqualTo(missingAtLocal);
        assertThat(run("repair", "-c", fourConfig.toString()).exitCode()).isZero();
        CliRun whole = run("verify", "-c", fourConfig.toString());
        assertThat(whole.exitCode()).as(whole.toString()).isZero();

        assertReadsBackByteExact(resolved(four), written);
    }

    private static String escaped(String key) {
        return key.replace("/", "%2F");
    }

    /** Every run's output is checked for the S3 secret, which comes from a config provider. */
    private static CliRun run(String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.out() + run.err()).doesNotContain(S3ProxyServer.CREDENTIALS.secretAccessKey());
        return run;
    }

    private static Set<List<String>> findings(CliRun run) throws IOException {
        Set<List<String>> found = new HashSet<>();
        for (JsonNode finding : JSON.readTree(run.out()).get("findings")) {
            found.add(List.of(finding.get("kind").asText(), finding.get("key").asText(),
                    finding.get("store").isNull() ? "" : finding.get("store").asText()));
        }
        return found;
    }

    /** The archive, read through the stack and decoded by the format, holds exactly what the sink was given. */
    static void assertReadsBackByteExact(Map<String, String> props, List<SinkRecord> written) {
        ArchiveLayout layout = new ArchiveLayout("kafka-archive");
        Map<String, ArchivedRecord> read = new LinkedHashMap<>();
        try (KeyValueStore archive = StoreStack.open(props, TEST_SCOPE)) {
            for (TopicPartition partition : layout.partitions(archive)) {
                for (SegmentKey segment : layout.segments(archive, partition)) {
                    for (ArchivedRecord record : RecordFormats.forExtension(segment.extension()).orElseThrow()
                            .read(segment, archive.get(segment.key()).orElseThrow())) {
                        assertThat(read.put(partition + "@" + record.offset(), record)).as("read once").isNull();
                    }
                }
            }
        }
        assertThat(read).hasSize(written.size());
        for (SinkRecord original : written) {
            ArchivedRecord record = read.get(original.topic() + "-" + original.kafkaPartition() + "@" + original.kafkaOffset());
            assertThat(record).as("offset %s", original.kafkaOffset()).isNotNull();
            assertThat((byte[]) record.key().value()).isEqualTo((byte[]) original.key());
            assertThat((byte[]) record.value().value()).isEqualTo((byte[]) original.value());
            assertThat(record.timestamp()).isEqualTo(original.timestamp());
            List<Header> headers = new ArrayList<>();
            original.headers().forEach(headers::add);
            assertThat(record.headers()).hasSameSizeAs(headers);
            for (int i = 0; i < headers.size(); i++) {
                assertThat(record.headers().get(i).key()).isEqualTo(headers.get(i).key());
                assertThat((byte[]) record.headers().get(i).value()).isEqualTo((byte[]) headers.get(i).value());
            }
        }
    }
}
