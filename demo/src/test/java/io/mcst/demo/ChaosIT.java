package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.stores.azure.AzuriteServer;
import io.mcst.stores.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The archive's promise under crashes and outages, on real processes started as the demo starts them: a KRaft
 * broker, a distributed Connect worker with the plugin archive on its plugin.path and exactly-once source
 * support enabled, and three clouds (S3Proxy, Azurite, a directory; n = 3, t = 1).
 *
 * <p>The sink archives a topic while the worker is killed with SIGKILL and restarted, then while two of the
 * three clouds are down (more than t: no write can complete, the sink must wait and retry) and come back. The
 * source then replays the archive into {@code <topic>-restored} while the worker is killed and restarted again
 * and one cloud is down. Both topics must then be identical, partition by partition, byte for byte, read
 * with read_committed: nothing lost, nothing duplicated.
 *
 * <p>Every fault is triggered by progress measured from Kafka's side (the sink's committed offsets, the
 * restored topic's committed records), not by sleeping, so it lands mid-archive and mid-replay on a fast
 * machine as on a slow one. Only the length of the quorum outage is a duration.
 */
class ChaosIT {
    private static final String TOPIC = "chaos";
    private static final String RESTORED = TOPIC + "-restored";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 60_000;
    private static final String SINK = "archive-chaos";
    private static final int SINK_TASKS = 2;
    private static final String SOURCE = "replay-chaos";
    /** The demo's clouds and their layout: {@link Demo#storage} configures them. */
    private static final String BUCKET = Demo.BUCKET;
    private static final String GROUP = "mcst-chaos";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);
    /** Long enough for every task to hit the outage with writes in flight and retry a few times. */
    private static final Duration QUORUM_OUTAGE = Duration.ofSeconds(12);
    /**
     * What a write acknowledged just before the outage needs to show up in the committed offsets: a failing put
     * (the retry layer's few attempts, about 1.5 s) and the next offset commit (every 2 s), with room for a
     * loaded machine.
     */
    private static final Duration COMMIT_SETTLE = Duration.ofSeconds(6);
    /**
     * Exactly-once source on. What a killed worker leaves behind delays its successor, each by a default of a
     * minute or more: its group membership (until its session expires, or if it was killed mid-rebalance, until
     * the rebalance times out), and a transaction it left open on the offsets topic (the successor reads that
     * topic read_committed to its end before it starts, so it waits until the transaction times out). Short
     * enough here that the restarted worker takes over within seconds.
     */
    private static final Map<String, String> WORKER = Map.of(
            "exactly.once.source.support", "enabled",
            "session.timeout.ms", "6000",
            "heartbeat.interval.ms", "2000",
            "rebalance.timeout.ms", "10000",
            "consumer.session.timeout.ms", "6000",
            "consumer.heartbeat.interval.ms", "2000",
            "producer.transaction.timeout.ms", "10000");

    private final long started = System.nanoTime();
    private final List<String> events = new ArrayList<>();
    private final List<AutoCloseable> running = new ArrayList<>();
    private Path dir;
    private String classpath;
    private Path plugins;
    private LocalKafka kafka;
    private LocalConnect connect;
    private int kills;
    private int outages;

    @AfterEach
    void stopEverything() {
        if (connect != null) {
            connect.close();
        }
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void archiveAndReplayLoseAndDuplicateNothingThroughKilledWorkersAndStoreOutages() throws Exception {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chaos-it-").toAbsolutePath();
        classpath = Files.readString(Path.of(System.getProperty("mcst.worker.classpath"))).trim();
        plugins = dir.resolve("plugins");
        PluginArchive.install(Path.of(System.getProperty("mcst.plugin.archive")), plugins);

        S3ProxyServer s3 = track(S3ProxyServer.started());
        s3.createBucket(BUCKET);
        AzuriteServer azure = track(AzuriteServer.started());
        azure.createContainer(BUCKET);
        Path local = Files.createDirectories(dir.resolve("clouds/local"));
        kafka = track(LocalKafka.start(dir.resolve("kafka"), classpath));
        Map<String, String> storage = Demo.storage(s3, azure, local);

        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(SampleRecords.topic(TOPIC, PARTITIONS), SampleRecords.topic(RESTORED, PARTITIONS)))
                    .all().get();
        }
        try (Admin admin = kafka.admin();
                CommittedRecords restored = new CommittedRecords(kafka.bootstrapServers(), RESTORED, PARTITIONS)) {
            SampleRecords.produce(kafka.bootstrapServers(), TOPIC, PARTITIONS, 0, RECORDS);
            event("produced " + RECORDS + " records to '" + TOPIC + "' (" + PARTITIONS + " partitions)");
            startWorker();

            connect.rest().putConnector(SINK, sinkConfig(storage));
            long archived = midway("archive", awaitArchived(admin, RECORDS / 5));
            Set<String> killedMembers = sinkGroup(admin).members().stream().map(MemberDescription::consumerId)
                    .collect(Collectors.toSet());
            killAndRestartWorker("mid-archive, " + archived + " of " + RECORDS + " records archived");

            // Once the new worker's tasks hold every partition and have committed progress of their own, they are
            // archiving: cut the quorum then, not while a task is still opening a partition (another fault).
            awaitSinkGroupSettled(admin, killedMembers);
            archived = midway("archive", awaitArchived(admin, Progress.archived(admin, SINK) + 1));
            s3.stop();
            azure.stop();
            outages++;
            event("s3 and azure DOWN (2 of 3 clouds, more than t = 1) at " + archived + " archived");
            holdQuorumOutage(admin);
            s3.start();
            azure.start();
            event("s3 and azure back");
            awaitArchived(admin, RECORDS);
            event("archive complete");

            connect.rest().putConnector(SOURCE, sourceConfig(storage));
            long replayed = midway("replay", awaitRestored(restored, RECORDS / 5));
            killAndRestartWorker("mid-replay, " + replayed + " of " + RECORDS + " records replayed");

            replayed = midway("replay", awaitRestored(restored, replayed + 1));
            azure.stop();
            outages++;
            event("azure DOWN (1 of 3 clouds) at " + replayed + " replayed");
            replayed = awaitRestored(restored, Math.min(RECORDS, replayed + RECORDS / 10));
            azure.start();
            event("azure back at " + replayed + " replayed");
            awaitRestored(restored, RECORDS);
            awaitQuiet(restored);
        }

        TopicComparison.Result result = TopicComparison.compare(kafka.bootstrapServers(), TOPIC, RESTORED);
        event("compared '" + TOPIC + "' and '" + RESTORED + "': " + result.records() + " records, " + result.lost()
                + " lost, " + result.duplicated() + " duplicated, " + result.unexpected() + " unexpected");
        String summary = summary(result);
        System.out.println(summary);
        assertThat(result.records()).as("records in '%s'\n%s", TOPIC, summary).isEqualTo(RECORDS);
        assertThat(result.differences())
                .as("'%s' must equal '%s' partition by partition, byte for byte; %d lost, %d duplicated, %d unexpected\n%s",
                        RESTORED, TOPIC, result.lost(), result.duplicated(), result.unexpected(), summary)
                .isEmpty();
    }

    /**
     * Fails the run, as misconfigured rather than flaky, if a fault would land after the phase has finished:
     * it would test nothing. The faults trigger early enough that this needs a machine several times faster
     * than a CI runner; the remedy is more records.
     */
    private long midway(String phase, long done) {
        assertThat(done).as("the %s finished before its fault could land; raise RECORDS\n%s", phase, String.join("\n", events))
                .isLessThan(RECORDS);
        return done;
    }

    private void startWorker() throws InterruptedException {
        connect = LocalConnect.start(dir.resolve("connect"), classpath, kafka.bootstrapServers(), GROUP, plugins,
                "service_load", WORKER);
        event("worker up, REST at " + connect.rest().base());
    }

    private void killAndRestartWorker(String when) throws InterruptedException {
        connect.kill();
        kills++;
        event("worker KILLED (SIGKILL) " + when);
        startWorker();
    }

    /**
     * Keeps two clouds down for {@link #QUORUM_OUTAGE}. The sink's tasks must neither fail nor report progress:
     * with one cloud of three, no segment can reach a quorum, so once the writes acknowledged before the outage
     * are committed, the committed offsets must stand still.
     */
    private void holdQuorumOutage(Admin admin) throws Exception {
        long begin = System.nanoTime();
        long settled = -1;
        while (System.nanoTime() - begin < QUORUM_OUTAGE.toNanos()) {
            ensureRunning(SINK);
            if (settled < 0 && System.nanoTime() - begin >= COMMIT_SETTLE.toNanos()) {
                settled = Progress.archived(admin, SINK);
            }
            Thread.sleep(200);
        }
        long atEnd = Progress.archived(admin, SINK);
        event("after " + QUORUM_OUTAGE.toSeconds() + " s of outage: sink tasks running, " + atEnd + " archived");
        assertThat(atEnd).as("records committed between %d s and %d s into the outage, while only one cloud of three "
                + "answered (a write without a quorum)\n%s", COMMIT_SETTLE.toSeconds(), QUORUM_OUTAGE.toSeconds(),
                String.join("\n", events)).isEqualTo(settled);
    }

    /**
     * Waits until the sink's consumer group is stable with a member per task, none of them the killed worker's
     * (which stay until their sessions expire), and every partition assigned.
     */
    private void awaitSinkGroupSettled(Admin admin, Set<String> killedMembers) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            ensureRunning(SINK);
            ConsumerGroupDescription group = sinkGroup(admin);
            long assigned = group.members().stream().mapToLong(m -> m.assignment().topicPartitions().size()).sum();
            boolean successors = group.members().stream().noneMatch(m -> killedMembers.contains(m.consumerId()));
            if (group.groupState() == GroupState.STABLE && successors && group.members().size() == SINK_TASKS
                    && assigned == PARTITIONS) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the sink's consumer group did not settle within " + STEP_TIMEOUT + ": " + group
                        + "\n" + String.join("\n", events) + "\nworker log: " + connect.log());
            }
            Thread.sleep(100);
        }
    }

    private static ConsumerGroupDescription sinkGroup(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of("connect-" + SINK)).all().get().get("connect-" + SINK);
    }

    private long awaitArchived(Admin admin, long target) throws Exception {
        return await("archived", target, () -> {
            ensureRunning(SINK);
            return Progress.archived(admin, SINK);
        });
    }

    private long awaitRestored(CommittedRecords restored, long target) throws Exception {
        return await("replayed", target, () -> {
            ensureRunning(SOURCE);
            return restored.count();
        });
    }

    /** Polls {@code count} until it reaches {@code target}; returns the count then (a fault lands right there). */
    private long await(String what, long target, Progress.Count count) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            long now = count.get();
            if (now >= target) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + now + " of " + target + " records " + what + " after " + STEP_TIMEOUT
                        + "\n" + String.join("\n", events) + "\nworker log: " + connect.log());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the restored topic has taken no record for a few seconds: duplicates a replay would still
     * write after reaching the total must be in the comparison.
     */
    private void awaitQuiet(CommittedRecords restored) throws Exception {
        long last = restored.count();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
            ensureRunning(SOURCE);
            Thread.sleep(200);
            long now = restored.count();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        event("replay quiet at " + last + " records");
    }

    private void ensureRunning(String connector) throws Exception {
        connect.rest().ensureNotFailed(connector, "worker log: " + connect.log());
    }

    private String summary(TopicComparison.Result result) {
        List<String> lines = new ArrayList<>();
        lines.add("Chaos run: " + RECORDS + " records in " + PARTITIONS + " partitions (" + result.bytes()
                + " bytes of keys, values and headers), " + kills + " worker kills, " + outages + " cloud outages, "
                + String.format("%.0f s", elapsedSeconds()));
        lines.addAll(events);
        result.differences().forEach(d -> lines.add("  difference: " + d));
        lines.add("logs: " + dir);
        return String.join("\n", lines);
    }

    private void event(String what) {
        events.add(String.format("  [%5.1f s] %s", elapsedSeconds(), what));
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private <T extends AutoCloseable> T track(T resource) {
        running.add(resource);
        return resource;
    }

    private static Map<String, String> sinkConfig(Map<String, String> storage) {
        Map<String, String> config = new LinkedHashMap<>(bytes());
        config.put("connector.class", Connectors.SINK);
        config.put("tasks.max", Integer.toString(SINK_TASKS));
        config.put("topics", TOPIC);
        config.put("format", "envelope");
        config.put("flush.size", "500");
        config.put("rotate.schedule.interval.ms", "2000");
        config.putAll(storage);
        return config;
    }

    private Map<String, String> sourceConfig(Map<String, String> storage) {
        Map<String, String> config = new LinkedHashMap<>(bytes());
        config.put("connector.class", Connectors.SOURCE);
        config.put("tasks.max", "2");
        config.put("exactly.once.support", "required");
        config.put("archive.topics", TOPIC);
        config.put("target.cluster.bootstrap.servers", kafka.bootstrapServers());
        config.put("topic.rename.format", "${topic}-restored");
        config.putAll(storage);
        return config;
    }

    private static Map<String, String> bytes() {
        return Map.of(
                "key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    }

    /**
     * Counts the records of a topic a read_committed consumer sees, reading on from where it left off: the
     * progress of an exactly-once replay (end offsets also count aborted records and transaction markers).
     */
    private static final class CommittedRecords implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private long count;

        CommittedRecords(String bootstrapServers, String topic, int partitions) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "mcst-chaos-count-" + UUID.randomUUID(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
            List<TopicPartition> assigned = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                assigned.add(new TopicPartition(topic, partition));
            }
            consumer.assign(assigned);
        }

        /** Records committed to the topic by now: reads on up to the last stable offset of every partition. */
        long count() {
            Map<TopicPartition, Long> stable = consumer.endOffsets(consumer.assignment());
            while (stable.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                count += consumer.poll(Duration.ofMillis(100)).count();
            }
            return count;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
