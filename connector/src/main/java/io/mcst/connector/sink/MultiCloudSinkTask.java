package io.mcst.connector.sink;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.SinkRecordPosition;
import io.mcst.connector.TaskIdentity;
import io.mcst.connector.Version;
import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.Retention;
import io.mcst.connector.format.RecordFormat;
import io.mcst.connector.schema.SchemaArchiver;
import io.mcst.connector.schema.SchemaRegistryConfig;
import io.mcst.connector.schema.SchemaRegistryException;
import io.mcst.connector.schema.SchemaRegistryUnavailableException;
import io.mcst.replication.Fence;
import io.mcst.replication.FencedException;
import io.mcst.replication.FencedStore;
import io.mcst.stack.StoreStack;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives the records of its partitions: each partition's records fill a segment, which is written as one
 * blob through the store stack when it rotates, followed by its summary (the time index entry) and the
 * partition's index register. Segments upload concurrently, several per partition, through a
 * {@link SegmentUploader}, which writes an index register only once every segment it covers is at a quorum;
 * {@code max.buffered.bytes} counts the open segments and those still uploading, and {@code put()} waits for
 * uploads when it is reached.
 *
 * <p>Exactly once, with the archive as the source of truth: {@link #open} takes each partition's index register
 * over and rewinds the consumer to the record after the last archived one; {@link #preCommit} hands Connect only
 * offsets whose segment and index a quorum acknowledged, without waiting for uploads in flight; segment keys
 * depend only on their first offset, so a segment rewritten after a crash replaces the first attempt. A store failure beyond the fault tolerance becomes
 * a {@link RetriableException}: Connect redelivers the same records, which this task recognises by offset, so
 * nothing is lost or archived twice.
 *
 * <p>One writer per partition: taking the index register over gives this task a higher epoch of it (a
 * {@link Fence}), and it writes the partition's segments and index only with that fence. A task that lost the
 * partition without noticing (a zombie after a rebalance) has its next segment or index write aborted, since the
 * stores then list the new owner's epoch; it drops the partition's buffer and stops writing it, retaking it after
 * a random backoff only if Connect still assigns it. The rightful owner is never fenced off by a zombie.
 */
public final class MultiCloudSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(MultiCloudSinkTask.class);
    /** Retention runs at most this often per partition, so it costs one listing per partition per period. */
    static final long RETENTION_PERIOD_MS = 10 * 60 * 1000L;
    /**
     * Index registers read at once when partitions are opened: a rebalance of a thousand partitions over stores
     * with 100 ms of latency then takes seconds, well within max.poll.interval.ms, not minutes.
     */
    static final int INDEX_READ_CONCURRENCY = 32;
    static final String BEHIND_ARCHIVE_METRIC = "records-behind-archive-total";

    private final Function<Map<String, String>, FencedStore> storeOpener;
    private final Function<SinkConfig, ConsumerGroups> groupsOpener;
    private final LongSupplier wallClock;

    private SinkConfig config;
    private RecordFormat format;
    private ArchiveLayout layout;
    private FencedStore store;
    /** Archives the records' Schema Registry schemas; empty unless schema.registry.url is set. */
    private Optional<SchemaArchiver> schemas = Optional.empty();
    private ErrantRecordReporter reporter;
    /** Task 0's consumer group snapshots; null in other tasks or when no group is chosen. */
    private GroupSnapshotter groupSnapshotter;
    /** Null when archive.retention.ms keeps everything. */
    private Retention retention;
    /** Per partition, the wall-clock time retention last ran. */
    private final Map<TopicPartition, Long> lastRetention = new HashMap<>();
    private ExecutorService indexReaders;
    private final Map<TopicPartition, PartitionBuffer> buffers = new HashMap<>();
    /**
     * Assigned partitions whose index register could not be read yet (fewer than n - t stores answered). They
     * are paused, their records ignored, and their index is read again at most every retry.backoff.ms; once
     * read, the consumer is rewound to the record after the archive.
     */
    private final Set<TopicPartition> unresolved = new LinkedHashSet<>();
    private long nextResolveAtMs;
    /**
     * Partitions resolved after open() whose rewind Connect applies only at its next poll: records of the
     * batch in hand (or of its redelivery) come from before the rewind and are ignored.
     */
    private final Set<TopicPartition> rewinding = new HashSet<>();
    /** Partitions whose records arrived although they were never opened, each logged once. */
    private final Set<TopicPartition> warnedNeverOpened = new HashSet<>();
    /** Set when put() failed retriably: Connect's next put() redelivers the same records. */
    private boolean redeliveryExpected;
    private final AtomicLong recordsBehindArchive = new AtomicLong();
    /** Sum of the buffers' {@link PartitionBuffer#bufferedBytes()} (open segments), kept up to date by every change. */
    private long bufferedBytes;
    private SegmentUploader uploader;

    public MultiCloudSinkTask() {
        this(props -> StoreStack.open(props, TaskIdentity.taskScope(props)), System::currentTimeMillis);
    }

    /** For testing: the stack and the wall clock are injected. */
    MultiCloudSinkTask(Function<Map<String, String>, FencedStore> storeOpener, LongSupplier wallClock) {
        this(storeOpener, config -> ConsumerGroups.admin(config.groupsClusterProperties()), wallClock);
    }

    /** For testing: the stack, the consumer groups' cluster and the wall clock are injected. */
    MultiCloudSinkTask(Function<Map<String, String>, FencedStore> storeOpener,
            Function<SinkConfig, ConsumerGroups> groupsOpener, LongSupplier wallClock) {
        this.storeOpener = requireNonNull(storeOpener, "storeOpener");
        this.groupsOpener = requireNonNull(groupsOpener, "groupsOpener");
        this.wallClock = requireNonNull(wallClock, "wallClock");
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new SinkConfig(props);
        format = config.format();
        layout = config.layout();
        store = storeOpener.apply(props);
        schemas = config.schemaRegistry().map(registry -> new SchemaArchiver(store, layout, registry));
        reporter = context.errantRecordReporter(); // null unless a dead letter queue or error log is configured
        retention = config.archiveRetentionMs() < 0 ? null : new Retention(store, layout);
        indexReaders = Executors.newFixedThreadPool(INDEX_READ_CONCURRENCY, runnable -> {
            Thread thread = new Thread(runnable, "mcst-sink-index-reader");
            thread.setDaemon(true);
            return thread;
        });
        uploader = new SegmentUploader(store, layout, new SegmentUploader.Outcomes() {
            @Override
            public void archived(TopicPartition partition, PartitionIndex index) {
                MultiCloudSinkTask.this.archived(partition, index);
            }

            @Override
            public void fencedOff(TopicPartition partition, FencedException e) {
                MultiCloudSinkTask.this.fencedOff(partition, e);
            }
        });
        registerMetrics();
        log.info("Archiving with format {} under '{}' into {}", format.name(), layout.prefix(), store.name());
        startGroupSnapshots(props);
    }

    /**
     * The first task snapshots the chosen consumer groups: one snapshotter per connector, run with a task's store
     * and lifecycle (a connector instance has neither).
     */
    private void startGroupSnapshots(Map<String, String> props) {
        Optional<GroupSelection> selection = config.groupSelection();
        if (selection.isEmpty() || !"0".equals(props.get(TaskIdentity.TASK_ID_CONFIG))) {
            return;
        }
        groupSnapshotter = new GroupSnapshotter(groupsOpener.apply(config), selection.get(), config.archivedTopics(),
                store, layout, wallClock);
        groupSnapshotter.start(config.groupsSnapshotIntervalMs());
        log.info("Snapshotting the committed offsets of consumer groups {} every {} ms under '{}'", selection.get(),
                config.groupsSnapshotIntervalMs(), layout.groupsPrefix());
    }

    /** Exposes the task's counters through Connect's plugin metrics, where the runtime offers them. */
    private void registerMetrics() {
        PluginMetrics metrics;
        try {
            metrics = context.pluginMetrics();
        } catch (NoSuchMethodError e) {
            // Workers before Kafka 4.1 (KIP-877) have no plugin metrics; the count is still logged.
            log.info("this Connect runtime offers no plugin metrics (Kafka 4.1 and later do): {} is logged only",
                    BEHIND_ARCHIVE_METRIC);
            return;
        }
        metrics.addMetric(metrics.metricName(BEHIND_ARCHIVE_METRIC, "Records skipped because their partition's "
                + "archive already holds their offset (topic recreated, unclean leader election); see "
                + SinkConfig.BEHIND_ARCHIVE_CONFIG, new LinkedHashMap<>()),
                (Measurable) (metricConfig, now) -> recordsBehindArchive.get());
    }

    /**
     * Takes the partitions over: reads their index registers concurrently and rewinds each to the record after
     * its archive. A partition whose register the stores cannot serve now is paused and retried from put() and
     * preCommit(): a short quorum outage delays it, never fails the task.
     */
    @Override
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            PartitionBuffer previous = buffers.remove(partition);
            if (previous != null) { // reopened without a close: its buffer is stale, the archive is not
                bufferedBytes -= previous.bufferedBytes();
            }
            rewinding.remove(partition);
            warnedNeverOpened.remove(partition);
        }
        takeOver(partitions, false);
    }

    private void takeOver(Collection<TopicPartition> partitions, boolean afterOpen) {
        Map<TopicPartition, Future<Fence>> reads = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            reads.put(partition, indexReaders.submit(() -> store.takeover(layout.indexKey(partition))));
        }
        List<TopicPartition> failed = new ArrayList<>();
        StoreUnavailableException outage = null;
        for (Map.Entry<TopicPartition, Future<Fence>> read : reads.entrySet()) {
            TopicPartition partition = read.getKey();
            if (outage != null && read.getValue().cancel(false)) {
                failed.add(partition); // the stores just failed a read: do not wait for each of the others to fail
                continue;
            }
            Fence fence;
            try {
                fence = read.getValue().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("interrupted while reading index registers", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StoreUnavailableException unavailable) {
                    outage = unavailable;
                    failed.add(partition);
                    continue;
                }
                throw new ConnectException("cannot resume " + partition + ": " + e.getCause().getMessage(), e.getCause());
            }
            resume(partition, fence, afterOpen);
        }
        if (!failed.isEmpty()) {
            log.warn("Cannot read the index registers of {} partitions from a quorum of stores ({}); pausing them and "
                    + "retrying every {} ms: {}", failed.size(), outage.getMessage(), config.retryBackoffMs(), failed);
            unresolved.addAll(failed);
            context.pause(failed.toArray(TopicPartition[]::new));
            nextResolveAtMs = wallClock.getAsLong() + config.retryBackoffMs();
        }
    }

    /** Starts archiving {@code partition} after what its index register said when {@code fence} took it over. */
    private void resume(TopicPartition partition, Fence fence, boolean afterOpen) {
        String indexKey = layout.indexKey(partition);
        Optional<PartitionIndex> index;
        try {
            index = fence.value().map(bytes -> PartitionIndex.parse(indexKey, bytes));
        } catch (DataException e) {
            throw new ConnectException("cannot resume " + partition + ": " + e.getMessage(), e);
        }
        long archived = index.map(PartitionIndex::lastOffset).orElse(-1L);
        buffers.put(partition, new PartitionBuffer(partition, format, archived,
                index.map(PartitionIndex::segmentKey).orElse(null), fence));
        uploader.open(partition, fence, archived);
        // The archive, not the consumer group, says where to resume. Without an index the partition was never
        // archived under this prefix: start from its earliest retained record.
        context.offset(partition, archived + 1);
        if (unresolved.remove(partition)) {
            context.resume(partition);
        }
        if (afterOpen) {
            rewinding.add(partition);
        }
        log.info("{}: archive holds offsets up to {}; resuming at {} (epoch {})", partition, archived, archived + 1,
                fence.epoch());
    }

    private void retryUnresolved() {
        if (!unresolved.isEmpty() && wallClock.getAsLong() >= nextResolveAtMs) {
            takeOver(List.copyOf(unresolved), true);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        boolean redelivery = redeliveryExpected;
        redeliveryExpected = false;
        if (!redelivery) {
            rewinding.clear(); // Connect polled since: these records come after the rewinds it was asked for
        }
        try {
            retryUnresolved();
            uploader.poll();
            uploader.throwFailure(); // an upload failed since the last put: back off, then retry
            uploader.retryFailed();
            schemas.ifPresent(archiver -> archiver.archive(records)); // before buffering: a failure leaves nothing half done
            for (SinkRecord record : records) {
                add(record, redelivery);
            }
            rotateScheduled();
        } catch (StoreUnavailableException e) {
            redeliveryExpected = true;
            context.timeout(config.retryBackoffMs());
            throw new RetriableException("the stores could not take a segment (" + e.getMessage()
                    + "); Connect will redeliver the records in " + config.retryBackoffMs() + " ms", e);
        } catch (SchemaRegistryUnavailableException e) {
            redeliveryExpected = true;
            context.timeout(config.retryBackoffMs());
            throw new RetriableException("could not archive the records' schemas (" + e.getMessage()
                    + "); Connect will redeliver the records in " + config.retryBackoffMs() + " ms", e);
        } catch (StoreException e) {
            throw new ConnectException("the stores refused a segment: " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new ConnectException("the schema registry refused a request (check " + SchemaRegistryConfig.URL_CONFIG
                    + " and " + SchemaRegistryConfig.USER_INFO_CONFIG + "): " + e.getMessage(), e);
        }
    }

    private void add(SinkRecord record, boolean redelivery) {
        TopicPartition partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        PartitionBuffer buffer = buffers.get(partition);
        if (buffer == null) {
            if (!unresolved.contains(partition) && warnedNeverOpened.add(partition)) {
                // E.g. a transform renamed the topic and Connect misattributes the partition during a rebalance:
                // the partition's owner archives these records, this task must not.
                log.warn("Skipping records of {} (first: {}), which this task was never assigned; its owner archives "
                        + "them", partition, SinkRecordPosition.of(record));
            }
            return; // an unresolved partition's records come again after its rewind
        }
        if (rewinding.contains(partition)) {
            return;
        }
        long offset = record.originalKafkaOffset();
        if (buffer.handled(offset)) {
            if (!redelivery) {
                behindArchive(record, buffer);
            }
            return;
        }
        buffer.endBehindArchiveRun();
        if (buffer.needsRotationBefore(record, config.rotateIntervalMs())) {
            rotate(buffer);
        }
        long before = buffer.bufferedBytes();
        try {
            buffer.append(record, wallClock.getAsLong());
            bufferedBytes += buffer.bufferedBytes() - before;
        } catch (DataException e) {
            reportBadRecord(record, e);
            buffer.skip(offset);
            return;
        }
        if (buffer.openRecordCount() >= config.flushSize()) {
            rotate(buffer);
        }
        enforceMemoryBound();
    }

    /**
     * A record at or below an offset this task already archived or buffered, outside a redelivery: the
     * partition's log went back (the topic was recreated, an unclean leader election). Archiving it would break
     * the archive's offset order, so it is skipped loudly, or the task stops if so configured.
     */
    private void behindArchive(SinkRecord record, PartitionBuffer buffer) {
        String message = record.originalTopic() + " partition " + record.originalKafkaPartition() + ": record at offset "
                + record.originalKafkaOffset() + " is at or below offset " + buffer.handledOffset()
                + ", which the archive already holds or this task buffered (index register at offset "
                + buffer.archivedOffset() + "); was the topic deleted and recreated, or its log truncated by an "
                + "unclean leader election?";
        if (config.failsOnRecordsBehindArchive()) {
            throw new ConnectException(message + " Stopping, as " + SinkConfig.BEHIND_ARCHIVE_CONFIG + "="
                    + SinkConfig.BEHIND_ARCHIVE_FAIL + " asks; archive the new log under another archive.prefix, "
                    + "or set " + SinkConfig.BEHIND_ARCHIVE_CONFIG + "=" + SinkConfig.BEHIND_ARCHIVE_SKIP);
        }
        recordsBehindArchive.incrementAndGet();
        if (buffer.startBehindArchiveRun()) { // once per run of such records, not once per record
            log.warn("{} Skipping it and the records after it up to that offset ({}={}; counted in {})", message,
                    SinkConfig.BEHIND_ARCHIVE_CONFIG, SinkConfig.BEHIND_ARCHIVE_SKIP, BEHIND_ARCHIVE_METRIC);
        }
    }

    private void reportBadRecord(SinkRecord record, DataException e) {
        String where = SinkRecordPosition.of(record);
        if (!config.toleratesBadRecords()) {
            throw new ConnectException("cannot archive " + where + " in format " + format.name() + ": " + e.getMessage()
                    + ". Fix the converter or format, or set errors.tolerance=all (with "
                    + "errors.deadletterqueue.topic.name) to skip such records", e);
        }
        if (reporter != null) {
            reporter.report(record, e);
        } else {
            log.warn("Skipping {}, which format {} cannot hold (errors.tolerance=all, no dead letter queue): {}",
                    where, format.name(), e.getMessage());
        }
    }

    /**
     * Keeps open and uploading segments within max.buffered.bytes: while above it, waits for uploads when they
     * hold at least as much as the open segments, else writes the largest open segment early. Nothing is dropped:
     * with only failed uploads left, it throws, and Connect redelivers after a backoff.
     */
    private void enforceMemoryBound() {
        while (bufferedBytes + uploader.pendingBytes() > config.maxBufferedBytes()) {
            PartitionBuffer largest = buffers.values().stream()
                    .filter(PartitionBuffer::hasOpenSegment)
                    .max(Comparator.comparingLong(PartitionBuffer::bufferedBytes))
                    .orElse(null);
            if (uploader.busy() && (largest == null || uploader.pendingBytes() >= bufferedBytes)) {
                uploader.awaitCompletion();
                uploader.throwFailure();
            } else if (largest != null) {
                log.debug("Buffers hold {} bytes and uploads {}, above {}: writing the segment of {} early",
                        bufferedBytes, uploader.pendingBytes(), config.maxBufferedBytes(), largest.partition());
                rotate(largest);
            } else {
                throw new StoreUnavailableException("segments of " + uploader.pendingBytes() + " bytes wait for the "
                        + "stores to take them, at " + SinkConfig.MAX_BUFFERED_BYTES_CONFIG + "="
                        + config.maxBufferedBytes());
            }
        }
    }

    private void rotateScheduled() {
        long now = wallClock.getAsLong();
        for (PartitionBuffer buffer : List.copyOf(buffers.values())) { // a fenced-off upload removes its buffer
            if (buffer.openLongerThan(config.rotateScheduleIntervalMs(), now)) {
                rotate(buffer);
            }
        }
    }

    /** Seals the open segment of {@code buffer} and hands it to the uploader. */
    private void rotate(PartitionBuffer buffer) {
        long before = buffer.bufferedBytes();
        PartitionBuffer.SealedSegment segment =
                buffer.seal(layout.segmentKey(buffer.partition(), buffer.firstOffset(), format.extension()));
        bufferedBytes += buffer.bufferedBytes() - before;
        uploader.submit(buffer.partition(), segment);
    }

    /** The uploader's news: a quorum acknowledged {@code index}, so the partition is archived up to it. */
    private void archived(TopicPartition partition, PartitionIndex index) {
        PartitionBuffer buffer = buffers.get(partition);
        if (buffer != null) {
            buffer.indexed(index.lastOffset(), index.segmentKey());
            applyRetention(partition);
        }
    }

    /**
     * archive.retention.ms: now and then, after a segment, expires the partition's oldest segments. Best effort:
     * a failure is logged and retried next period, never fails the task (the archive only keeps more).
     */
    private void applyRetention(TopicPartition partition) {
        long now = wallClock.getAsLong();
        if (retention == null || now - lastRetention.getOrDefault(partition, Long.MIN_VALUE / 2) < RETENTION_PERIOD_MS) {
            return;
        }
        lastRetention.put(partition, now);
        try {
            List<Retention.Expired> expired = retention.expire(partition, now - config.archiveRetentionMs(), false);
            if (!expired.isEmpty()) {
                log.info("{}: expired {} segments older than {} ms, up to {}", partition, expired.size(),
                        config.archiveRetentionMs(), expired.get(expired.size() - 1).segment().key());
            }
        } catch (StoreException | DataException e) {
            log.warn("{}: retention could not run ({}); it retries in {} ms", partition, e.getMessage(), RETENTION_PERIOD_MS);
        }
    }

    /**
     * Another task took the partition over: this one stops writing it and drops what it buffered. If Connect
     * still assigns it the partition (two tasks took it over at once, and both were fenced off), it takes it
     * over again after a random backoff, so that one of them wins; a zombie's partition is revoked before.
     */
    private void fencedOff(TopicPartition partition, FencedException e) {
        PartitionBuffer buffer = buffers.remove(partition);
        if (buffer == null) {
            return;
        }
        bufferedBytes -= buffer.bufferedBytes();
        log.warn("{}: another task took the partition over ({}); this task stops writing it and drops its buffered "
                + "records; it takes the partition over again only if still assigned it", partition, e.getMessage());
        unresolved.add(partition);
        context.pause(partition);
        nextResolveAtMs = wallClock.getAsLong() + config.retryBackoffMs()
                + ThreadLocalRandom.current().nextLong(config.retryBackoffMs() + 1);
    }

    /**
     * Moves the index past records that were all reported bad since it was last written, so that the committed
     * offset moves past them too and a new owner does not report them again. The register keeps naming the
     * last segment; a partition that never had one names the key its first reported record would have had.
     */
    private void indexReportedRecords(PartitionBuffer buffer) {
        String segmentKey = buffer.indexedSegmentKey() != null ? buffer.indexedSegmentKey()
                : layout.segmentKey(buffer.partition(), buffer.archivedOffset() + 1, format.extension());
        uploader.index(buffer.partition(), new PartitionIndex(buffer.handledOffset(), segmentKey));
        log.debug("{}: moving the index past reported records up to {}", buffer.partition(), buffer.handledOffset());
    }

    /**
     * Hands Connect the offsets a quorum archived, without waiting: uploads in flight are committed at a later
     * call, and waiting here would empty the pipeline at every commit (the worker consumes nothing meanwhile).
     */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            retryUnresolved();
            rotateScheduled();
            uploader.poll();
            indexReportedRecords();
        } catch (StoreException e) {
            log.warn("Could not write segments before committing offsets; committing what is archived", e);
        }
        if (uploader.failure() != null) {
            log.warn("Could not write segments before committing offsets ({}); committing what is archived, and "
                    + "retrying them at the next put", uploader.failure().getMessage());
        }
        Map<TopicPartition, OffsetAndMetadata> archived = new HashMap<>();
        for (PartitionBuffer buffer : buffers.values()) {
            if (buffer.archivedOffset() >= 0 && currentOffsets.containsKey(buffer.partition())) {
                archived.put(buffer.partition(), new OffsetAndMetadata(buffer.archivedOffset() + 1));
            }
        }
        return archived;
    }

    /**
     * Writes the segments due (full or open past {@code rotate.schedule.interval.ms}) and waits until they are
     * archived, index registers included. Connect never calls this (it calls {@link #preCommit}, which does not
     * wait); it is for a caller that drives the task itself and reads the archive next.
     */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        retryUnresolved();
        rotateScheduled();
        uploader.drain();
        indexReportedRecords();
        uploader.drain();
    }

    /** Moves the index of each idle partition past records reported as bad since it was last written. */
    private void indexReportedRecords() {
        for (PartitionBuffer buffer : List.copyOf(buffers.values())) {
            if (buffer.onlyReportedSinceIndex() && uploader.idle(buffer.partition())) {
                indexReportedRecords(buffer);
            }
        }
    }

    /** For testing: the heap the buffers and the uploads hold, as the memory bound counts it. */
    long bufferedBytes() {
        return bufferedBytes + uploader.pendingBytes();
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // Buffered records are dropped: the partition's next owner resumes after the last archived record.
        // Uploads in flight are waited for, so that no index write of a revoked partition lands later.
        uploader.close(partitions);
        for (TopicPartition partition : partitions) {
            PartitionBuffer buffer = buffers.remove(partition);
            if (buffer != null) {
                bufferedBytes -= buffer.bufferedBytes();
            }
            unresolved.remove(partition);
            rewinding.remove(partition);
        }
    }

    @Override
    public void stop() {
        if (groupSnapshotter != null) {
            groupSnapshotter.close();
            groupSnapshotter = null;
        }
        buffers.clear();
        unresolved.clear();
        bufferedBytes = 0;
        if (uploader != null) {
            uploader.close(); // starts nothing more; closing the store ends the writes in flight, as a crash would
        }
        if (indexReaders != null) {
            indexReaders.shutdownNow();
        }
        if (store != null) {
            store.close();
        }
    }
}
