package io.mcst.connector.sink;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.SinkRecordPosition;
import io.mcst.connector.Version;
import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.Retention;
import io.mcst.connector.format.RecordFormat;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
 * partition's index register.
 *
 * <p>Exactly once, with the archive as the source of truth: {@link #open} reads each partition's index
 * register and rewinds the consumer to the record after the last archived one; {@link #preCommit} hands
 * Connect only offsets whose segment and index a quorum acknowledged; segment keys depend only on their
 * first offset, so a segment rewritten after a crash replaces the first attempt. A store failure beyond the
 * fault tolerance becomes a {@link RetriableException}: Connect redelivers the same records, which this
 * task recognises by offset, so nothing is lost or archived twice.
 */
public final class MultiCloudSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(MultiCloudSinkTask.class);
    /** Retention runs at most this often per partition, so it costs one listing per partition per period. */
    static final long RETENTION_PERIOD_MS = 10 * 60 * 1000L;
    /** How often open() tries to read an index register before failing the task. */
    private static final int OPEN_ATTEMPTS = 4;

    private final Function<Map<String, String>, KeyValueStore> storeOpener;
    private final LongSupplier wallClock;

    private SinkConfig config;
    private RecordFormat format;
    private ArchiveLayout layout;
    private KeyValueStore store;
    private ErrantRecordReporter reporter;
    /** Null when archive.retention.ms keeps everything. */
    private Retention retention;
    /** Per partition, the wall-clock time retention last ran. */
    private final Map<TopicPartition, Long> lastRetention = new HashMap<>();
    private final Map<TopicPartition, PartitionBuffer> buffers = new HashMap<>();
    /** Sum of the buffers' {@link PartitionBuffer#bufferedBytes()}, kept up to date by every change. */
    private long bufferedBytes;

    public MultiCloudSinkTask() {
        this(StoreStack::open, System::currentTimeMillis);
    }

    /** For testing: the stack and the wall clock are injected. */
    MultiCloudSinkTask(Function<Map<String, String>, KeyValueStore> storeOpener, LongSupplier wallClock) {
        this.storeOpener = requireNonNull(storeOpener, "storeOpener");
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
        reporter = context.errantRecordReporter(); // null unless a dead letter queue or error log is configured
        retention = config.archiveRetentionMs() < 0 ? null : new Retention(store, layout);
        log.info("Archiving with format {} under '{}' into {}", format.name(), layout.prefix(), store.name());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            long archived = readArchivedOffset(partition);
            PartitionBuffer previous = buffers.put(partition, new PartitionBuffer(partition, format, archived));
            if (previous != null) { // reopened without a close: its buffer is stale, the archive is not
                bufferedBytes -= previous.bufferedBytes();
            }
            // The archive, not the consumer group, says where to resume. Without an index the partition was
            // never archived under this prefix: start from its earliest retained record.
            context.offset(partition, archived + 1);
            log.info("{}: archive holds offsets up to {}; resuming at {}", partition, archived, archived + 1);
        }
    }

    private long readArchivedOffset(TopicPartition partition) {
        String key = layout.indexKey(partition);
        for (int attempt = 1; ; attempt++) {
            try {
                Optional<byte[]> index = store.get(key);
                return index.map(bytes -> PartitionIndex.parse(key, bytes).lastOffset()).orElse(-1L);
            } catch (StoreUnavailableException e) {
                if (attempt == OPEN_ATTEMPTS) {
                    throw new ConnectException("cannot read index register '" + key + "' from a quorum of stores after "
                            + attempt + " attempts; restart the task once the stores answer", e);
                }
                log.warn("Reading index register '{}' failed (attempt {} of {}); retrying", key, attempt, OPEN_ATTEMPTS, e);
                sleep(config.retryBackoffMs());
            } catch (DataException | StoreException e) {
                throw new ConnectException("cannot resume " + partition + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            uploadSealedSegments();
            for (SinkRecord record : records) {
                add(record);
            }
            rotateScheduled();
        } catch (StoreUnavailableException e) {
            context.timeout(config.retryBackoffMs());
            throw new RetriableException("the stores could not take a segment (" + e.getMessage()
                    + "); Connect will redeliver the records in " + config.retryBackoffMs() + " ms", e);
        } catch (StoreException e) {
            throw new ConnectException("the stores refused a segment: " + e.getMessage(), e);
        }
    }

    private void add(SinkRecord record) {
        TopicPartition partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        PartitionBuffer buffer = buffers.get(partition);
        if (buffer == null) {
            throw new ConnectException("received a record of " + partition + ", which was never opened");
        }
        long offset = record.originalKafkaOffset();
        if (buffer.handled(offset)) {
            return;
        }
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

    /** Writes the largest segments early while the buffers exceed max.buffered.bytes. */
    private void enforceMemoryBound() {
        while (bufferedBytes > config.maxBufferedBytes()) {
            PartitionBuffer largest = buffers.values().stream()
                    .filter(PartitionBuffer::hasOpenSegment)
                    .max(Comparator.comparingLong(PartitionBuffer::bufferedBytes))
                    .orElse(null);
            if (largest == null) {
                return;
            }
            log.debug("Buffers hold {} bytes, above {}: writing the segment of {} early", bufferedBytes,
                    config.maxBufferedBytes(), largest.partition());
            rotate(largest);
        }
    }

    private void rotateScheduled() {
        long now = wallClock.getAsLong();
        for (PartitionBuffer buffer : buffers.values()) {
            if (buffer.openLongerThan(config.rotateScheduleIntervalMs(), now)) {
                rotate(buffer);
            }
        }
    }

    private void rotate(PartitionBuffer buffer) {
        if (buffer.sealed() != null) {
            upload(buffer);
        }
        long before = buffer.bufferedBytes();
        buffer.seal(layout.segmentKey(buffer.partition(), buffer.firstOffset(), format.extension()));
        bufferedBytes += buffer.bufferedBytes() - before;
        upload(buffer);
    }

    private void uploadSealedSegments() {
        for (PartitionBuffer buffer : buffers.values()) {
            if (buffer.sealed() != null) {
                upload(buffer);
            }
        }
    }

    /**
     * Writes the sealed segment, then the index register; only both acknowledged make it archived. First
     * checks that the register still says what this task last wrote (or read at open): if it moved, another
     * task archives the partition (this one is a zombie after a rebalance, or two connectors share an
     * archive prefix), and writing on would overwrite its segments.
     */
    private void upload(PartitionBuffer buffer) {
        PartitionBuffer.SealedSegment segment = buffer.sealed();
        String indexKey = layout.indexKey(buffer.partition());
        checkStillOwner(buffer, segment, indexKey);
        store.put(segment.key(), segment.blob());
        // Its time index entry, before the index register, so every segment the register covers has one.
        store.put(layout.summaryKey(segment.summary()), new byte[0]);
        store.put(indexKey, new PartitionIndex(segment.lastOffset(), segment.key()).toBytes());
        bufferedBytes -= segment.blob().length;
        buffer.archived();
        log.debug("Archived {} records of {} as {} ({} bytes)", segment.recordCount(), buffer.partition(),
                segment.key(), segment.blob().length);
        applyRetention(buffer.partition());
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

    private void checkStillOwner(PartitionBuffer buffer, PartitionBuffer.SealedSegment segment, String indexKey) {
        Optional<PartitionIndex> index = store.get(indexKey).map(bytes -> PartitionIndex.parse(indexKey, bytes));
        long registered = index.map(PartitionIndex::lastOffset).orElse(-1L);
        // The second case: this very upload wrote the register before, but the put was reported failed.
        boolean ours = registered == buffer.archivedOffset() || (registered == segment.lastOffset()
                && index.map(PartitionIndex::segmentKey).filter(segment.key()::equals).isPresent());
        if (!ours) {
            throw new ConnectException("index register '" + indexKey + "' says offset " + registered + " is archived, "
                    + "but this task last archived " + buffer.archivedOffset() + ": another task is archiving "
                    + buffer.partition() + " (after a rebalance, or another connector with the same archive.prefix); "
                    + "stopping so as not to overwrite its segments");
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            uploadSealedSegments();
            rotateScheduled();
        } catch (StoreException e) {
            log.warn("Could not write segments before committing offsets; committing what is archived", e);
        }
        Map<TopicPartition, OffsetAndMetadata> archived = new HashMap<>();
        for (PartitionBuffer buffer : buffers.values()) {
            if (buffer.archivedOffset() >= 0 && currentOffsets.containsKey(buffer.partition())) {
                archived.put(buffer.partition(), new OffsetAndMetadata(buffer.archivedOffset() + 1));
            }
        }
        return archived;
    }

    /** For testing: the heap the buffers hold, as the memory bound counts it. */
    long bufferedBytes() {
        return bufferedBytes;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // Buffered records are dropped: the partition's next owner resumes after the last archived record.
        for (TopicPartition partition : partitions) {
            PartitionBuffer buffer = buffers.remove(partition);
            if (buffer != null) {
                bufferedBytes -= buffer.bufferedBytes();
            }
        }
    }

    @Override
    public void stop() {
        buffers.clear();
        bufferedBytes = 0;
        if (store != null) {
            store.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting to retry", e);
        }
    }
}
