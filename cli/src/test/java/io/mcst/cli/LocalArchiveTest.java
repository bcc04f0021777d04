package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.GroupSnapshot;
import io.mcst.connector.archive.ReplayOffsetMap;
import io.mcst.connector.sink.SinkConfig;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What operators see on a small archive over three directories: listings, dry runs, errors. */
class LocalArchiveTest {
    static final long BASE_TIME = 1_780_000_000_000L;
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    @TempDir
    Path dir;
    private Map<String, String> props;
    private Path config;

    @BeforeEach
    void archive() throws IOException {
        props = DirectoryArchive.props(dir, 3);
        config = DirectoryArchive.writeProperties(dir.resolve("sink.properties"), props);
        try (SinkDriver sink = new SinkDriver(props, List.of(P0, P1))) {
            for (int segment = 0; segment < 5; segment++) {
                sink.put(SinkDriver.records(P0, segment * 20L, segment * 20L + 20, BASE_TIME));
                sink.put(SinkDriver.records(P1, segment * 10L, segment * 10L + 10, BASE_TIME));
            }
        }
        assertThat(CliRun.of("repair", "-c", config.toString()).exitCode()).isZero();
    }

    @Test
    void lsShowsEverySegmentFromTheTimeIndexAndATimeWindowNarrowsIt() {
        CliRun ls = CliRun.of("ls", "-c", config.toString());
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.out()).contains("TOPIC   PART  FIRST  LAST  RECORDS  FROM                  TO")
                .contains("s0   s1   s2")
                .contains("orders  0     80     99    20       2026-05-28T20:28:00Z  2026-05-28T20:28:19Z")
                .contains("10 segments, 150 records");
        assertThat(ls.out().lines().filter(line -> line.endsWith("yes  yes  yes"))).hasSize(10);

        CliRun window = CliRun.of("ls", "-c", config.toString(), "--partition", "1", "--from", "2026-05-28T20:27:05Z",
                "--to-time", "2026-05-28T20:27:10Z");
        assertThat(window.out()).contains("orders  1     20     29").contains("1 segments, 10 records");
    }

    @Test
    void dryRunsChangeNothing() {
        CliRun expire = CliRun.of("expire", "-c", config.toString(), "--keep", "1d", "--dry-run");
        assertThat(expire.out()).contains("would expire kafka-archive/orders/0/00000000000000000000.envelope.avro")
                .contains("would expire 8 segments");
        assertThat(CliRun.of("ls", "-c", config.toString()).out()).contains("10 segments");
        CliRun repair = CliRun.of("repair", "-c", config.toString(), "--dry-run");
        assertThat(repair.out()).contains("dry run: 0 keys rewritten");
    }

    @Test
    void keepExpiresAllButEachPartitionsNewestSegmentAndVerifyStaysClean() {
        CliRun expire = CliRun.of("expire", "-c", config.toString(), "--keep", "1d");
        assertThat(expire.exitCode()).as(expire.toString()).isZero();
        assertThat(expire.out()).contains("expired 8 segments");
        assertThat(CliRun.of("ls", "-c", config.toString()).out()).contains("2 segments, 30 records");
        CliRun verify = CliRun.of("verify", "-c", config.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).containsPattern("removed keys \\(expired, tombstones checked too\\) +16");
    }

    @Test
    void consumerPositionsBesideTheTopicsAreNotTopicsToAnyCommand() {
        ArchiveLayout layout = new ArchiveLayout(SinkConfig.DEFAULT_ARCHIVE_PREFIX);
        try (KeyValueStore archive = StoreStack.open(props, SinkDriver.TEST_SCOPE)) {
            // Group "0" at time 1: the key a segment of a topic named like the directory at offset 1 would have.
            archive.put(layout.groupSnapshotKey("0", 1), new GroupSnapshot("0", 1, Map.of(P0, 42L)).toBytes());
            archive.put(layout.groupSnapshotKey("billing/eu", 2), new GroupSnapshot("billing/eu", 2, Map.of(P1, 7L)).toBytes());
            ReplayOffsetMap.Builder map = new ReplayOffsetMap.Builder(ReplayOffsetMap.empty("restore", P0, P0));
            map.replayed(0, 0);
            archive.put(layout.replayMapKey("restore", P0), map.build().toBytes());
        }

        assertThat(CliRun.of("ls", "-c", config.toString()).out()).containsPattern("10 segments, 150 records, .* in 2 partitions")
                .doesNotContain(ArchiveLayout.GROUPS_DIRECTORY).doesNotContain(ArchiveLayout.REPLAYS_DIRECTORY);
        CliRun verify = CliRun.of("verify", "-c", config.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        CliRun export = CliRun.of("export", "-c", config.toString(), "--to", dir.resolve("export").toString());
        assertThat(export.out()).as(export.toString()).contains("exported 150 records of 10 segments in 2 partitions");
        CliRun expire = CliRun.of("expire", "-c", config.toString(), "--keep", "1d");
        assertThat(expire.out()).as(expire.toString()).contains("expired 8 segments");
        try (KeyValueStore archive = StoreStack.open(props, SinkDriver.TEST_SCOPE)) {
            assertThat(layout.groups(archive)).containsExactly("0", "billing/eu");
            assertThat(layout.replayMap(archive, "restore", P0)).isPresent();
        }
    }

    @Test
    void configurationProblemsNameTheFileAndKeyAndNeverPrintSecrets() throws IOException {
        CliRun missing = CliRun.of("verify", "-c", dir.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.json").contains("--config");

        Path unknown = dir.resolve("vault.properties");
        Files.writeString(unknown, "stores=s0\nstore.s0.type=filesystem\nstore.s0.path=${vault:secret/path:key}\n");
        assertThat(CliRun.of("ls", "-c", unknown.toString()).err()).contains("store.s0.path").contains("'vault'");

        Path unresolved = dir.resolve("env.json");
        Files.writeString(unresolved, "{\"name\":\"x\",\"config\":{\"stores\":\"s0\",\"store.s0.type\":\"filesystem\","
                + "\"store.s0.path\":\"${env:MCST_TEST_SURELY_UNSET_VARIABLE}\"}}");
        assertThat(CliRun.of("ls", "-c", unresolved.toString()).err()).contains("store.s0.path").contains("did not resolve");

        // A secret from a file provider, in a store whose configuration is wrong: the error must not show it.
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "key=very-secret-account-key\n");
        Path azure = dir.resolve("azure.properties");
        Files.writeString(azure, "stores=az\nstore.az.type=azure-blob\nstore.az.container=c\n"
                + "store.az.connection.string=AccountName=a;AccountKey=${file:" + secrets + ":key}\n"
                + "store.az.account.key=${file:" + secrets + ":key}\n");
        CliRun bad = CliRun.of("ls", "-c", azure.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("store.az").doesNotContain("very-secret-account-key");
    }

    @Test
    void erasureCodedStoresAreVerifiedAndRepairedFragmentByFragment() throws IOException {
        Map<String, String> erasure = DirectoryArchive.props(dir.resolve("erasure"), 5);
        erasure.put("replication.coding", "erasure");
        erasure.put("replication.fault.tolerance", "1"); // k = n - 2t = 3
        Path erasureConfig = DirectoryArchive.writeProperties(dir.resolve("erasure.properties"), erasure);
        List<SinkRecord> written = new ArrayList<>();
        try (SinkDriver sink = new SinkDriver(erasure, List.of(P0))) {
            for (int segment = 0; segment < 3; segment++) {
                List<SinkRecord> batch = SinkDriver.records(P0, segment * 20L, segment * 20L + 20, BASE_TIME);
                sink.put(batch);
                written.addAll(batch);
            }
        }
        assertThat(CliRun.of("repair", "-c", erasureConfig.toString()).exitCode()).isZero(); // the stopped sink's stragglers
        assertThat(CliRun.of("verify", "-c", erasureConfig.toString()).exitCode()).isZero();

        Path fragment;
        try (Stream<Path> files = Files.walk(dir.resolve("erasure/s0"))) {
            fragment = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("00000000000000000020.envelope.avro") && f.toString().endsWith(".v="))
                    .findFirst().orElseThrow();
        }
        Files.delete(fragment);
        CliRun broken = CliRun.of("verify", "-c", erasureConfig.toString());
        assertThat(broken.exitCode()).as(broken.toString()).isOne();
        assertThat(broken.out()).contains("REPLICA_MISSING kafka-archive/orders/0/00000000000000000020.envelope.avro at store 's0'");
        assertThat(CliRun.of("ls", "-c", erasureConfig.toString()).out())
                .contains("MISSING  yes  yes  yes  yes").contains("3 segments, 60 records");

        CliRun repair = CliRun.of("repair", "-c", erasureConfig.toString());
        assertThat(repair.out()).contains("rewrite kafka-archive/orders/0/00000000000000000020.envelope.avro at s0");
        CliRun verify = CliRun.of("verify", "-c", erasureConfig.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        ThreeCloudsRepairTest.assertReadsBackByteExact(erasure, written);
    }
}
