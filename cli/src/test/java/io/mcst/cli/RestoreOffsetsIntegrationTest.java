package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.sink.MultiCloudSinkConnector;
import io.mcst.connector.source.MultiCloudSourceConnector;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer positions survive a disaster, end to end on a real broker and Connect worker: two groups consume
 * part of three topics (plain; compacted, with offsets the log cleaner removed; transactional, with markers and
 * an aborted transaction) and commit; the sink archives the topics and snapshots the groups; the source replays
 * them under another name, into a fresh cluster and into the same one; {@code mcst restore-offsets} translates
 * and commits the groups' positions there; then each group's consumer reads exactly the records it had not read,
 * byte for byte: none lost, none read twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RestoreOffsetsIntegrationTest {
    private static final String PREFIX = "it/groups";
    private static final int PARTITIONS = 3;
    private static final List<String> GROUPS = List.of("billing", "audit");
    private static final String PLAIN = "orders";
    private static final String COMPACTED = "accounts";
    private static final String TRANSACTIONAL = "payments";
    private static final List<String> TOPICS = List.of(PLAIN, COMPACTED, TRANSACTIONAL);

    @TempDir
    static Path dir;

    private EmbeddedConnectCluster connect;
    private Path sinkConfig;
    /** Each source topic as its consumers saw it, and each group's committed offsets, by topic. */
    private final Map<String, GroupTopics.View> original = new LinkedHashMap<>();
    private final Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();

    @BeforeAll
    void archiveTopicsAndGroups() throws Exception {
        long setUp = System.nanoTime();
        connect = startConnect("origin");
        EmbeddedKafkaCluster kafka = connect.kafka();
        kafka.createTopic(PLAIN, PARTITIONS, 1, Map.of("retention.ms", "-1"));
        kafka.createTopic(COMPACTED, PARTITIONS, 1, Map.of("cleanup.policy", "compact", "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "86400000"));
        kafka.createTopic(TRANSACTIONAL, PARTITIONS, 1, Map.of("retention.ms", "-1"));
        GroupTopics.producePlain(kafka, PLAIN, PARTITIONS, 3_000);
        GroupTopics.produceCompacted(kafka, COMPACTED, PARTITIONS, 8, 120);
        GroupTopics.produceTransactional(kafka, TRANSACTIONAL, PARTITIONS, 60, 25);
        for (String topic : TOPICS) {
            GroupTopics.View view = GroupTopics.read(kafka, topic);
            original.put(topic, view);
            // billing is behind everywhere; audit is further on, and has read partition 2 to its end.
            for (String group : GROUPS) {
                Map<Integer, Integer> quota = new HashMap<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    int size = view.partitions().get(p).size();
                    if (group.equals("billing")) {
                        quota.put(p, size * (p + 1) / 5);
                    } else if (p < 2) {
                        quota.put(p, size * (3 + p) / 5);
                    }
                }
                committed.computeIfAbsent(group, g -> new HashMap<>())
                        .putAll(GroupTopics.consumeAndCommit(kafka, group, topic, quota));
            }
        }
        assertThat(original.get(COMPACTED).hasGaps()).as("compaction removed offsets").isTrue();
        assertThat(original.get(TRANSACTIONAL).hasGaps()).as("transaction markers").isTrue();

        System.out.printf("cluster started, topics produced (compacted), groups committed in %.1f s%n",
                (System.nanoTime() - setUp) / 1e9);
        Map<String, String> sink = sinkProps();
        sinkConfig = DirectoryArchive.writeProperties(dir.resolve("sink.properties"), sink);
        long started = System.nanoTime();
        connect.configureConnector("archive", sink);
        GroupTopics.await("the archive and the groups' snapshots", this::archivedWithSnapshots);
        System.out.printf("archived %d records of %d topics with the groups' snapshots in %.1f s%n",
                original.values().stream().mapToInt(GroupTopics.View::count).sum(), TOPICS.size(),
                (System.nanoTime() - started) / 1e9);
        connect.deleteConnector("archive");
    }

    @AfterAll
    void stopCluster() {
        if (connect != null) {
            connect.stop();
        }
    }

    @Test
    void replayedIntoAFreshClusterUnderAnotherNameEachGroupResumesExactlyWhereItStopped() throws Exception {
        EmbeddedConnectCluster fresh = startConnect("fresh");
        try {
            replayAndRestore(fresh, "replay-fresh", "restored.${topic}");
        } finally {
            fresh.stop();
        }
    }

    @Test
    void replayedIntoTheSameClusterUnderAnotherNameEachGroupResumesExactlyWhereItStopped() throws Exception {
        replayAndRestore(connect, "replay-same", "${topic}-copy");
    }

    private void replayAndRestore(EmbeddedConnectCluster target, String replay, String renameFormat) throws Exception {
        for (String topic : TOPICS) {
            target.kafka().createTopic(targetTopic(renameFormat, topic), PARTITIONS, 1, Map.of("retention.ms", "-1"));
        }
        long started = System.nanoTime();
        target.configureConnector(replay, sourceProps(target, renameFormat));
        for (String topic : TOPICS) {
            String renamed = targetTopic(renameFormat, topic);
            GroupTopics.await(renamed + " replayed",
                    () -> GroupTopics.read(target.kafka(), renamed).count() == original.get(topic).count());
        }

        System.out.printf("%s: replayed in %.1f s%n", replay, (System.nanoTime() - started) / 1e9);
        CliRun restore = restoreOffsets(replay, target.kafka().bootstrapServers(), "--dry-run");
        assertThat(restore.out()).contains("(dry run: nothing is committed)")
                .contains(GROUPS.size() * TOPICS.size() * PARTITIONS + " would commit");
        try (Admin admin = target.kafka().createAdminClient()) {
            for (String group : GROUPS) {
                assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().keySet())
                        .as("%s's positions on the target after a dry run", group)
                        .noneMatch(tp -> tp.topic().equals(targetTopic(renameFormat, PLAIN)));
            }
        }
        restore = restoreOffsets(replay, target.kafka().bootstrapServers());
        target.deleteConnector(replay);

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(Mcst.OK);
        long reading = System.nanoTime();
        for (String group : GROUPS) {
            for (String topic : TOPICS) {
                String renamed = targetTopic(renameFormat, topic);
                Map<Integer, List<String>> expected = original.get(topic).from(committedIn(group, topic));
                assertThat(GroupTopics.readAsGroup(target.kafka(), group, renamed))
                        .as("what %s reads of %s after the restore", group, renamed).isEqualTo(expected);
            }
        }
        System.out.printf("%s: each group read the rest of each topic in %.1f s%n", replay, (System.nanoTime() - reading) / 1e9);
    }

    /**
     * Runs the restore until every position is translated: the replay stores its offset mapping as it goes, a
     * moment after the records it maps, and a restore of a partition it has not reached yet is skipped.
     */
    private CliRun restoreOffsets(String replay, String bootstrapServers, String... options) throws InterruptedException {
        CliRun run = null;
        int attempts = 0;
        long deadline = System.nanoTime() + GroupTopics.TIMEOUT.toNanos();
        while (run == null || (run.exitCode() == Mcst.FOUND_PROBLEMS && System.nanoTime() < deadline)) {
            if (run != null) {
                Thread.sleep(500);
            }
            attempts++;
            List<String> line = new ArrayList<>(List.of("restore-offsets", "--config", sinkConfig.toString(),
                    "--replay", replay, "--bootstrap-servers", bootstrapServers));
            line.addAll(List.of(options));
            run = CliRun.of(line.toArray(String[]::new));
        }
        System.out.println("mcst restore-offsets --replay " + replay + " " + String.join(" ", options) + " (attempt "
                + attempts + ")\n" + run.out());
        return run;
    }

    private Map<TopicPartition, Long> committedIn(String group, String topic) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        committed.get(group).forEach((tp, offset) -> {
            if (tp.topic().equals(topic)) {
                positions.put(tp, offset);
            }
        });
        return positions;
    }

    private static String targetTopic(String renameFormat, String topic) {
        return renameFormat.replace("${topic}", topic);
    }

    /** Whether the archive's index registers hold every partition's last record, and each group has a snapshot. */
    private boolean archivedWithSnapshots() {
        ArchiveLayout layout = new ArchiveLayout(PREFIX);
        try (KeyValueStore archive = StoreStack.open(storeProps(), SinkDriver.TEST_SCOPE)) {
            for (GroupTopics.View view : original.values()) {
                for (Map.Entry<Integer, List<GroupTopics.Entry>> partition : view.partitions().entrySet()) {
                    List<GroupTopics.Entry> entries = partition.getValue();
                    String key = layout.indexKey(new TopicPartition(view.topic(), partition.getKey()));
                    Optional<byte[]> index = archive.get(key);
                    if (index.isEmpty() || PartitionIndex.parse(key, index.get()).lastOffset()
                            < entries.get(entries.size() - 1).offset()) {
                        return false;
                    }
                }
            }
            return GROUPS.stream().allMatch(group -> !layout.groupSnapshots(archive, group).isEmpty());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static EmbeddedConnectCluster startConnect(String name) {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("listeners", "http://127.0.0.1:0");
        workerProps.put("offset.flush.interval.ms", "1000");
        workerProps.put("exactly.once.source.support", "enabled");
        workerProps.put("connector.client.config.override.policy", "All");
        Properties brokerProps = new Properties();
        brokerProps.put("transaction.state.log.replication.factor", "1");
        brokerProps.put("transaction.state.log.min.isr", "1");
        brokerProps.put("log.cleaner.backoff.ms", "200"); // compacts the compacted topic within the test
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder().name(name).numWorkers(1).numBrokers(1)
                .brokerProps(brokerProps).workerProps(workerProps).build();
        cluster.start();
        return cluster;
    }

    private static Map<String, String> storeProps() {
        return DirectoryArchive.props(dir.resolve("stores"), 3);
    }

    private Map<String, String> sinkProps() {
        Map<String, String> props = new LinkedHashMap<>(storeProps());
        props.put("connector.class", MultiCloudSinkConnector.class.getName());
        props.put("topics", String.join(",", TOPICS));
        props.put("tasks.max", "2");
        props.put("archive.prefix", PREFIX);
        props.put("flush.size", "500");
        props.put("rotate.schedule.interval.ms", "1000");
        props.put("groups", String.join(",", GROUPS));
        props.put("groups.snapshot.interval.ms", "1000");
        props.put("groups.cluster.bootstrap.servers", connect.kafka().bootstrapServers());
        // The aborted transaction must not be archived: Connect's consumers read uncommitted by default.
        props.put("consumer.override.isolation.level", "read_committed");
        putByteArrayConverters(props);
        return props;
    }

    private static Map<String, String> sourceProps(EmbeddedConnectCluster target, String renameFormat) {
        Map<String, String> props = new HashMap<>(storeProps());
        props.put("connector.class", MultiCloudSourceConnector.class.getName());
        props.put("tasks.max", "2");
        props.put("archive.topics", String.join(",", TOPICS));
        props.put("archive.prefix", PREFIX);
        props.put("topic.rename.format", renameFormat);
        props.put("target.cluster.bootstrap.servers", target.kafka().bootstrapServers());
        props.put("archive.poll.interval.ms", "500");
        props.put("exactly.once.support", "required");
        putByteArrayConverters(props);
        return props;
    }

    private static void putByteArrayConverters(Map<String, String> props) {
        props.put("key.converter", ByteArrayConverter.class.getName());
        props.put("value.converter", ByteArrayConverter.class.getName());
        props.put("header.converter", ByteArrayConverter.class.getName());
    }
}
