package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.stores.filesystem.FilesystemStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schemas a sink with schema.registry.url archives are archive keys outside every partition: the tool lists
 * no topic for them, verify and repair cover their replicas, export and expire leave them be. A topic named
 * {@code _schemas} (Schema Registry's own storage topic) is an ordinary topic beside them.
 */
class ArchivedSchemasTest {
    private static final TopicPartition ORDERS = new TopicPartition("orders", 0);
    private static final TopicPartition SCHEMAS_TOPIC = new TopicPartition("_schemas", 0);
    private static final byte[] SCHEMA_7 = "{\"id\":7,\"schemaType\":\"AVRO\",\"schema\":\"\\\"string\\\"\"}"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private Map<String, String> props;
    private Path config;
    private ArchiveLayout layout;

    @BeforeEach
    void archive() throws IOException {
        props = DirectoryArchive.props(dir, 3);
        config = DirectoryArchive.writeProperties(dir.resolve("sink.properties"), props);
        try (SinkDriver sink = new SinkDriver(props, List.of(ORDERS, SCHEMAS_TOPIC))) {
            for (int segment = 0; segment < 3; segment++) {
                sink.put(SinkDriver.records(ORDERS, segment * 10L, segment * 10L + 10, LocalArchiveTest.BASE_TIME));
                sink.put(SinkDriver.records(SCHEMAS_TOPIC, segment * 5L, segment * 5L + 5, LocalArchiveTest.BASE_TIME));
            }
        }
        try (Archive archive = Archive.open(ConnectorConfigFile.read(config), false)) {
            layout = archive.layout();
            archive.store().put(layout.schemaKey(7), SCHEMA_7);
            archive.store().put(layout.schemaKey(8), SCHEMA_7);
        }
        assertThat(CliRun.of("repair", "-c", config.toString()).exitCode()).isZero(); // the stopped sink's stragglers
    }

    @Test
    void lsShowsTheTopicNamedSchemasAndNoTopicForTheSchemaKeys() {
        CliRun ls = CliRun.of("ls", "-c", config.toString());

        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.out()).contains("6 segments, 45 records").contains("in 2 partitions");
        assertThat(ls.out().lines().filter(line -> line.startsWith("_schemas "))).hasSize(3);
        assertThat(ls.out().lines().filter(line -> line.startsWith("orders "))).hasSize(3);
    }

    @Test
    void verifyAndRepairCoverTheSchemaBlobs() throws IOException {
        CliRun clean = CliRun.of("verify", "-c", config.toString());
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out()).containsPattern("partitions +2\\b").containsPattern("segments +6\\b");

        try (FilesystemStore s1 = new FilesystemStore("s1", dir.resolve("s1"))) {
            // The replication layer keeps a key's versions under its escaped name (no '/'): schema 7's end in 7.json/...
            List<String> copies = s1.list("").stream().filter(key -> key.contains("7.json/")).toList();
            assertThat(copies).isNotEmpty();
            copies.forEach(s1::remove);
        }
        CliRun broken = CliRun.of("verify", "-c", config.toString());
        assertThat(broken.exitCode()).as(broken.toString()).isOne();
        assertThat(broken.out()).contains("REPLICA_MISSING " + layout.schemaKey(7) + " at store 's1'")
                .doesNotContain(layout.schemaKey(8) + " at");

        CliRun repair = CliRun.of("repair", "-c", config.toString());
        assertThat(repair.out()).contains("rewrite " + layout.schemaKey(7) + " at s1");
        CliRun repaired = CliRun.of("verify", "-c", config.toString());
        assertThat(repaired.exitCode()).as(repaired.toString()).isZero();
    }

    @Test
    void exportWritesTheTopicsRecordsOnlyAndExpireKeepsTheSchemas() throws IOException {
        Path out = dir.resolve("export");
        CliRun export = CliRun.of("export", "-c", config.toString(), "--to", out.toString());

        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.out()).contains("exported 45 records of 6 segments in 2 partitions");
        assertThat(Files.readAllLines(out.resolve("_schemas/0.jsonl"))).hasSize(15);
        try (var files = Files.list(out.resolve("_schemas"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("0.jsonl");
        }

        CliRun expire = CliRun.of("expire", "-c", config.toString(), "--keep", "1d");
        assertThat(expire.exitCode()).as(expire.toString()).isZero();
        assertThat(expire.out()).contains("expired 4 segments").doesNotContain(layout.schemaKey(7));
        try (Archive archive = Archive.open(ConnectorConfigFile.read(config), true)) {
            assertThat(archive.store().get(layout.schemaKey(7))).hasValueSatisfying(v -> assertThat(v).isEqualTo(SCHEMA_7));
        }
        assertThat(CliRun.of("verify", "-c", config.toString()).exitCode()).isZero();
    }
}
