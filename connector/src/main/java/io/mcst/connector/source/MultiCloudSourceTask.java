package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.TaskIdentity;
import io.mcst.connector.Version;
import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.schema.SchemaReplicator;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the archived partitions the connector assigned to it, round-robin a segment at a time, up to
 * {@code batch.size} records a poll, while the next segments are fetched and decoded ahead ({@link ReadAhead}). Each record keeps its archived partition; the task checks at start that every target topic has it.
 * Where each acknowledged record landed goes into the archive as the partition's offset map ({@link OffsetMapRecorder}).
 */
public final class MultiCloudSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(MultiCloudSourceTask.class);
    /** Longest a poll that found nothing waits, so the worker regains control regularly (e.g. to commit). */
    private static final long MAX_IDLE_WAIT_MS = 1_000;

    private final Function<Map<String, String>, KeyValueStore> storeOpener;
    private final Function<SourceConfig, TargetTopics> targetTopicsOpener;
    private final LongSupplier clock;

    private final Object lock = new Object();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private KeyValueStore store;
    private List<PartitionReplay> replays = List.of();
    /** Fetches segments ahead for every replay of this task, within read.ahead.bytes. */
    private Optional<ReadAhead> readAhead = Optional.empty();
    /** Read by the producer's callbacks ({@link #commitRecord}), which must not wait for the lock. */
    private volatile OffsetMapRecorder offsetMaps;
    private int batchSize;
    private int nextReplay;
    private boolean windowCompleteLogged;

    public MultiCloudSourceTask() {
        this(props -> StoreStack.open(props, TaskIdentity.taskScope(props)), config -> TargetTopics.admin(config.targetClusterProperties()), System::currentTimeMillis);
    }

    /** For tests: the store stack, the target cluster and the clock come from the caller. */
    MultiCloudSourceTask(Function<Map<String, String>, KeyValueStore> storeOpener,
            Function<SourceConfig, TargetTopics> targetTopicsOpener, LongSupplier clock) {
        this.storeOpener = requireNonNull(storeOpener, "storeOpener");
        this.targetTopicsOpener = requireNonNull(targetTopicsOpener, "targetTopicsOpener");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        SourceConfig config = new SourceConfig(props);
        List<TopicPartition> partitions = TaskAssignment.decode(props.get(SourceConfig.TASK_PARTITIONS_CONFIG));
        try (TargetTopics targets = targetTopicsOpener.apply(config)) {
            for (TopicPartition partition : partitions) {
                checkTarget(targets, config.targetTopic(partition.topic()), partition);
            }
        }
        ArchiveLayout layout = new ArchiveLayout(config.archivePrefix());
        SegmentReader reader = SegmentReader.forFormat(config.format());
        Map<TopicPartition, ReplayPosition> stored = ReplayPosition.stored(context.offsetStorageReader(), partitions);
        synchronized (lock) {
            store = storeOpener.apply(props);
            OffsetMapRecorder maps = new OffsetMapRecorder(TaskIdentity.connectorName(props), layout, store);
            SchemaReplicator schemas = config.schemaRegistry()
                    .map(registry -> new SchemaReplicator(store, layout, registry, config.rewritesSchemaIds()))
                    .orElse(SchemaReplicator.off());
            readAhead = config.readAheadBytes() > 0
                    ? Optional.of(new ReadAhead(store, reader, config.readAheadBytes())) : Optional.empty();
            List<PartitionReplay> built = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                Optional<ReplayPosition> resume = Optional.ofNullable(stored.get(partition));
                resume.ifPresent(position -> log.info("resuming {} after archived offset {} (record {} of segment {})",
                        partition, position.offsetKnown() ? position.offset() : "unknown", position.index(),
                        position.segment()));
                built.add(new PartitionReplay(partition, config.targetTopic(partition.topic()), layout, store, reader,
                        config.bounds(), config.keepOriginalTimestamps(), config.originHeaders(), config.pollIntervalMs(),
                        resume, schemas, readAhead));
                maps.register(partition, new TopicPartition(config.targetTopic(partition.topic()), partition.partition()),
                        resume.filter(ReplayPosition::offsetKnown).map(p -> OptionalLong.of(p.offset())).orElse(OptionalLong.empty()));
            }
            replays = List.copyOf(built);
            offsetMaps = maps;
            batchSize = config.batchSize();
        }
        log.info("replaying {} archived partitions from '{}': {}", partitions.size(), config.archivePrefix(), partitions);
    }

    private static void checkTarget(TargetTopics targets, String targetTopic, TopicPartition archived) {
        OptionalInt count = targets.partitionCount(targetTopic);
        if (count.isEmpty()) {
            throw new ConnectException("target topic '" + targetTopic + "' does not exist; create it with at least "
                    + (archived.partition() + 1) + " partitions, as many as archived topic '" + archived.topic()
                    + "' has, so each record keeps its partition");
        }
        if (count.getAsInt() <= archived.partition()) {
            throw new ConnectException("target topic '" + targetTopic + "' has " + count.getAsInt()
                    + " partitions, but archived partition " + archived + " replays into partition "
                    + archived.partition() + "; records keep their archived partition (and so their order), so "
                    + "add partitions to '" + targetTopic + "' or replay into a topic with enough");
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> batch = new ArrayList<>();
        long wakeAt;
        synchronized (lock) {
            if (stopping.getCount() == 0 || replays.isEmpty()) {
                return waitFor(MAX_IDLE_WAIT_MS);
            }
            if (replays.stream().allMatch(PartitionReplay::pastEnd)) {
                if (!windowCompleteLogged) {
                    windowCompleteLogged = true;
                    log.info("replay window complete: every partition of this task is past {}; reading no more of the "
                            + "archive (the task stays idle until the connector is deleted)", SourceConfig.END_TIME_CONFIG);
                }
                return waitFor(MAX_IDLE_WAIT_MS);
            }
            long now = clock.getAsLong();
            wakeAt = Long.MAX_VALUE;
            for (int i = 0; i < replays.size() && batch.size() < batchSize; i++) {
                PartitionReplay replay = replays.get((nextReplay + i) % replays.size());
                // A partition replays only once its offset map is read, so the map is extended, not replaced.
                if (!offsetMaps.ready(replay.archived(), now)) {
                    wakeAt = Math.min(wakeAt, offsetMaps.notBeforeMs(replay.archived()));
                    continue;
                }
                replay.poll(batch, batchSize - batch.size(), now);
                wakeAt = Math.min(wakeAt, replay.notBeforeMs());
            }
            // Stay on a partition until its segment is replayed to the end, so that a task holds about one decoded
            // segment at a time, not one per partition.
            if (!replays.get(nextReplay).holdsSegment()) {
                nextReplay = (nextReplay + 1) % replays.size();
            }
            if (!batch.isEmpty()) {
                return batch;
            }
            wakeAt -= now;
        }
        return waitFor(Math.max(1, Math.min(wakeAt, MAX_IDLE_WAIT_MS)));
    }

    /** Waits, unless the task stops first; returns null, Connect's "nothing this time". */
    private List<SourceRecord> waitFor(long millis) throws InterruptedException {
        stopping.await(millis, TimeUnit.MILLISECONDS);
        return null;
    }

    /**
     * Records where an acknowledged record landed in the offset map of its archived partition. A record the
     * producer did not write (a transform dropped it, or errors.tolerance skipped it) has no metadata.
     */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        OffsetMapRecorder maps = offsetMaps;
        if (metadata == null || !metadata.hasOffset() || maps == null) {
            return;
        }
        Map<String, ?> sourcePartition = record.sourcePartition();
        TopicPartition archived = new TopicPartition((String) sourcePartition.get(ReplayPosition.TOPIC_KEY),
                ((Number) sourcePartition.get(ReplayPosition.PARTITION_KEY)).intValue());
        long archivedOffset = ReplayPosition.fromSourceOffset(sourcePartition, record.sourceOffset()).offset();
        maps.acknowledged(archived, archivedOffset, new TopicPartition(metadata.topic(), metadata.partition()),
                metadata.offset());
    }

    /** After Connect stored the source offsets: writes the offset maps that changed. */
    @Override
    public void commit() {
        // Not under the lock: writing the maps takes a quorum round, and poll() would wait for it.
        OffsetMapRecorder maps = offsetMaps;
        if (maps != null) {
            maps.flush();
        }
    }

    @Override
    public void stop() {
        stopping.countDown();
        synchronized (lock) {
            readAhead.ifPresent(ReadAhead::close);
            readAhead = Optional.empty();
            if (store != null) {
                offsetMaps.close(); // waits for a commit's flush in flight
                store.close();
                store = null;
            }
            replays = List.of();
        }
    }
}
