package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.GroupSnapshot;
import io.mcst.connector.archive.ReplayOffsetMap;
import io.mcst.connector.archive.ReplayOffsetMap.Run;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcst restore-offsets} against a real broker as the target cluster, on an archive whose snapshots and
 * replay maps are written as the sink and the source write them: translation (runs, gaps, a position at the
 * replay's end, a renamed topic), snapshot choice, refusals, skips, dry runs and the exit code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreOffsetsCommandTest {
    private static final long EARLIER = 1_780_000_000_000L;
    private static final long LATER = EARLIER + 60_000;
    private static final String REPLAY = "replay-orders";
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition ORDERS_2 = new TopicPartition("orders", 2);
    private static final TopicPartition RESTORED_0 = new TopicPartition("orders-restored", 0);
    private static final TopicPartition RESTORED_1 = new TopicPartition("orders-restored", 1);

    @TempDir
    static Path dir;
    private EmbeddedKafkaCluster kafka;
    private Admin admin;
    private Path config;

    /**
     * orders-0 archives offsets 0..129 and is replayed to archived offset 124, with a gap at 100..104 (compacted
     * away); orders-1 archives 0..59, all replayed; orders-2 is archived but not replayed.
     */
    @BeforeAll
    void archiveAndTarget() throws Exception {
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        kafka.createTopic(RESTORED_0.topic(), 2);
        admin = kafka.createAdminClient();

        Map<String, String> props = DirectoryArchive.props(dir, 3);
        config = DirectoryArchive.writeProperties(dir.resolve("sink.properties"), props);
        try (SinkDriver sink = new SinkDriver(props, List.of(ORDERS_0, ORDERS_1, ORDERS_2))) {
            sink.put(SinkDriver.records(ORDERS_0, 0, 130, EARLIER));
            sink.put(SinkDriver.records(ORDERS_1, 0, 60, EARLIER));
            sink.put(SinkDriver.records(ORDERS_2, 0, 10, EARLIER));
        }
        ArchiveLayout layout = new ArchiveLayout("kafka-archive");
        try (KeyValueStore store = StoreStack.open(props, SinkDriver.TEST_SCOPE)) {
            put(store, layout, new GroupSnapshot("billing", EARLIER, Map.of(ORDERS_0, 50L, ORDERS_1, 20L)));
            put(store, layout, new GroupSnapshot("billing", LATER, Map.of(ORDERS_0, 103L, ORDERS_1, 60L)));
            put(store, layout, new GroupSnapshot("audit", LATER, Map.of(ORDERS_0, 127L, ORDERS_1, 30L, ORDERS_2, 5L)));
            put(store, layout, new ReplayOffsetMap(REPLAY, ORDERS_0, RESTORED_0,
                    List.of(new Run(0, 0, 100), new Run(105, 100, 20))));
            put(store, layout, new ReplayOffsetMap(REPLAY, ORDERS_1, RESTORED_1, List.of(new Run(0, 0, 60))));
        }
    }

    private static void put(KeyValueStore store, ArchiveLayout layout, GroupSnapshot snapshot) {
        store.put(layout.groupSnapshotKey(snapshot.group(), snapshot.timeMs()), snapshot.toBytes());
    }

    private static void put(KeyValueStore store, ArchiveLayout layout, ReplayOffsetMap map) {
        store.put(layout.replayMapKey(map.replay(), map.archived()), map.toBytes());
    }

    @AfterEach
    void forgetTargetGroups() throws Exception {
        admin.deleteConsumerGroups(List.of("billing", "audit")).deletedGroups().values().forEach(future -> {
            try {
                future.get();
            } catch (Exception absent) {
                // a group the test did not create
            }
        });
    }

    @AfterAll
    void stop() {
        admin.close();
        kafka.stop();
    }

    private CliRun restore(String... args) {
        List<String> line = new ArrayList<>(List.of("restore-offsets", "-c", config.toString(), "--replay", REPLAY,
                "--bootstrap-servers", kafka.bootstrapServers()));
        line.addAll(List.of(args));
        return CliRun.of(line.toArray(String[]::new));
    }

    private Map<TopicPartition, Long> targetOffsets(String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Test
    void commitsTheLatestSnapshotTranslatedIntoTheRenamedTopic() throws Exception {
        CliRun run = restore("--group", "billing");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(Mcst.OK);
        // 103 fell in the gap the replay skipped: the next replayed record (105) is at target offset 100. 60 is the
        // end of a partition replayed whole: the group resumes after its last record.
        assertThat(targetOffsets("billing")).isEqualTo(Map.of(RESTORED_0, 100L, RESTORED_1, 60L));
        assertThat(run.out())
                .contains("billing: snapshot taken " + Instant.ofEpochMilli(LATER) + " (records it consumed after this time are read again)")
                .contains("GROUP    TOPIC   PART  COMMITTED  TARGET TOPIC     PART  TARGET OFFSET  RESULT")
                .contains("billing  orders  0     103        orders-restored  0     100            committed")
                .contains("billing  orders  1     60         orders-restored  1     60             committed")
                .contains("2 committed");
    }

    @Test
    void dryRunPrintsThePlanAndCommitsNothing() throws Exception {
        CliRun run = restore("--dry-run");

        assertThat(run.exitCode()).as("audit has positions to skip: %s", run).isEqualTo(Mcst.FOUND_PROBLEMS);
        assertThat(run.out()).contains("(dry run: nothing is committed)")
                .contains("audit    orders  0     127        orders-restored  0     -              skipped: not replayed yet "
                        + "(replayed to archived offset 124 of 129)")
                .contains("audit    orders  1     30         orders-restored  1     30             would commit")
                .contains("audit    orders  2     5          -                -     -              skipped: no offset map from " + REPLAY + " (not replayed, or not yet)")
                .contains("billing  orders  0     103        orders-restored  0     100            would commit")
                .contains("3 would commit, 2 skipped");
        assertThat(targetOffsets("billing")).isEmpty();
        assertThat(targetOffsets("audit")).isEmpty();
        assertThat(restore("--dry-run", "--group", "billing").exitCode()).isEqualTo(Mcst.OK);
    }

    @Test
    void positionsTheReplayHasNotReachedAreSkippedAndTheOthersCommitted() throws Exception {
        CliRun run = restore();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(Mcst.FOUND_PROBLEMS);
        assertThat(targetOffsets("audit")).isEqualTo(Map.of(RESTORED_1, 30L));
        assertThat(targetOffsets("billing")).isEqualTo(Map.of(RESTORED_0, 100L, RESTORED_1, 60L));
        assertThat(run.out()).contains("3 committed, 2 skipped");
    }

    @Test
    void asOfChoosesTheLatestSnapshotAtOrBeforeItAndTheTargetClusterMayComeFromTheSourceConfig() throws Exception {
        Map<String, String> source = new HashMap<>(DirectoryArchive.props(dir, 3));
        source.put("target.cluster.bootstrap.servers", kafka.bootstrapServers());
        Path sourceConfig = DirectoryArchive.writeProperties(dir.resolve("source.properties"), source);

        CliRun run = CliRun.of("restore-offsets", "-c", sourceConfig.toString(), "--replay", REPLAY, "--group", "billing",
                "--as-of", Instant.ofEpochMilli(LATER - 1).toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(Mcst.OK);
        assertThat(run.out()).contains("billing: snapshot taken " + Instant.ofEpochMilli(EARLIER));
        assertThat(targetOffsets("billing")).isEqualTo(Map.of(RESTORED_0, 50L, RESTORED_1, 20L));

        CliRun tooEarly = restore("--group", "billing", "--as-of", Long.toString(EARLIER - 1));
        assertThat(tooEarly.exitCode()).isEqualTo(Mcst.FOUND_PROBLEMS);
        assertThat(tooEarly.out()).contains("billing: no snapshot at or before " + Instant.ofEpochMilli(EARLIER - 1));
    }

    @Test
    void aGroupWithAnActiveConsumerOnTheTargetIsRefusedUntilItStops() throws Exception {
        try (KafkaConsumer<byte[], byte[]> active = kafka.createConsumerAndSubscribeTo(Map.of("group.id", "billing"),
                RESTORED_0.topic())) {
            GroupTopics.await("the consumer to join", () -> {
                active.poll(Duration.ofMillis(100));
                return !active.assignment().isEmpty();
            });
            Map<TopicPartition, OffsetAndMetadata> before = admin.listConsumerGroupOffsets("billing")
                    .partitionsToOffsetAndMetadata().get();

            CliRun refused = restore("--group", "billing");

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(Mcst.FOUND_PROBLEMS);
            assertThat(refused.out()).contains("refused: the group is Stable with 1 member on the target; stop its consumers and rerun")
                    .contains("2 refused");
            assertThat(admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get()).isEqualTo(before);
        }
        CliRun rerun = restore("--group", "billing");
        assertThat(rerun.exitCode()).as(rerun.toString()).isEqualTo(Mcst.OK);
        assertThat(targetOffsets("billing")).isEqualTo(Map.of(RESTORED_0, 100L, RESTORED_1, 60L));
    }

    @Test
    void jsonGivesEachGroupsSnapshotTimeAndEachPosition() throws Exception {
        CliRun run = restore("--json", "--dry-run", "--groups-regex", "bill.*");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(Mcst.OK);
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("groups")).hasSize(1);
        JsonNode billing = root.get("groups").get(0);
        assertThat(billing.get("group").asText()).isEqualTo("billing");
        assertThat(billing.get("snapshotTimeMs").asLong()).isEqualTo(LATER);
        JsonNode first = billing.get("positions").get(0);
        assertThat(first.get("topic").asText()).isEqualTo("orders");
        assertThat(first.get("committedOffset").asLong()).isEqualTo(103);
        assertThat(first.get("targetTopic").asText()).isEqualTo("orders-restored");
        assertThat(first.get("targetOffset").asLong()).isEqualTo(100);
        assertThat(first.get("result").asText()).isEqualTo("would_commit");
    }

    @Test
    void withoutATargetClusterItSaysHowToNameOne() {
        CliRun run = CliRun.of("restore-offsets", "-c", config.toString(), "--replay", REPLAY);

        assertThat(run.exitCode()).isEqualTo(Mcst.FAILED);
        assertThat(run.err()).contains("pass --bootstrap-servers, or a --config with target.cluster.bootstrap.servers");
    }
}
