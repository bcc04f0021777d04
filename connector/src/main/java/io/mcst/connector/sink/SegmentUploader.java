package io.mcst.connector.sink;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import io.mcst.replication.Fence;
import io.mcst.replication.FencedException;
import io.mcst.replication.FencedStore;
import io.mcst.stores.StoreException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's upload pipeline: segments of every partition upload concurrently, several of one partition at once,
 * and each partition's index register follows them.
 *
 * <p><b>The invariant: an index register names a segment only once it and every earlier segment of its partition
 * are at a quorum.</b> A partition's segments queue in offset order; each is encoded and written (blob, then its
 * summary) on a pool thread as soon as the partition's orphans are removed, in any order and at once. The task thread alone
 * looks at what completed ({@link #poll}, {@link #awaitCompletion}, {@link #drain}): when the queue starts with
 * acknowledged segments, the index is written to name the last of them. One index write per partition is in
 * flight at a time; segments acknowledged meanwhile are covered by the next one, which names the newest
 * contiguous segment (writes in between are coalesced away). Only an acknowledged index write moves the
 * partition's archived offset ({@link Outcomes#archived}), so the offsets the task commits are always archived.
 * A failed segment stays queued with its bytes and blocks the index until a retry ({@link #retryFailed}) stores it;
 * segments after it may be stored meanwhile and are then covered at once.
 *
 * <p>Every write carries the partition's fence; a fenced-off write drops the partition ({@link Outcomes#fencedOff}).
 * A fence aborts a write only to a key the new owner wrote, so a zombie's segments under fresh keys, started
 * before it noticed, may land: once its writes in flight ended, it removes every segment it wrote beyond its
 * acknowledged index, with its fence, which spares any key the owner wrote since.
 * A partition that is closed or dropped starts no more writes: {@link #close} waits for those in flight, so no
 * index of a revoked partition lands after it returns. Not thread-safe except for the pool's jobs, which only
 * call the store and report to the task thread through a queue.
 */
final class SegmentUploader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentUploader.class);
    /**
     * Store writes in flight at once across the task's partitions (each a replicated write). They wait on the
     * network, so threads are cheap next to cloud latency; the memory bound, not this, limits what is queued.
     */
    static final int UPLOAD_CONCURRENCY = 32;

    /** What the task learns from the pipeline, on its own thread. */
    interface Outcomes {
        /** A quorum acknowledged {@code index}: the partition's records up to its last offset are archived. */
        void archived(TopicPartition partition, PartitionIndex index);

        /** Another task took the partition over: its writes were aborted and the pipeline dropped it. */
        void fencedOff(TopicPartition partition, FencedException e);
    }

    private enum Kind { ORPHANS, SEGMENT, SUMMARY, INDEX, STRAYS }

    /**
     * Where a segment, or a partition's orphan removal, stands. A segment's blob is written first ({@code RUNNING},
     * {@code FAILED}); once it is at a quorum its bytes are released and its summary is written
     * ({@code SUMMARY_RUNNING}, {@code SUMMARY_FAILED}); then it is {@code STORED}.
     */
    private enum Status { WAITING, RUNNING, FAILED, SUMMARY_RUNNING, SUMMARY_FAILED, STORED }

    /**
     * A sealed segment on its way. Its records are encoded on an upload thread by the first write of it (a retry
     * reuses the blob), and released once a quorum holds it. Status belongs to the task thread; the rest is
     * guarded by the upload itself.
     */
    private static final class Upload {
        final String key;
        final long lastOffset;
        final int recordCount;
        /** What the memory bound counts for it until it is at a quorum: its records' estimate. */
        final long bytes;
        Status status = Status.WAITING;
        private PartitionBuffer.SealedSegment sealed;
        private PartitionBuffer.Encoded encoded;
        /** Kept once encoded: a task that is fenced off removes the segment's summary too. */
        private SegmentSummary summary;

        Upload(PartitionBuffer.SealedSegment segment) {
            key = segment.key();
            lastOffset = segment.lastOffset();
            recordCount = segment.recordCount();
            bytes = segment.estimatedBytes();
            sealed = segment;
        }

        synchronized PartitionBuffer.Encoded encoded() {
            if (encoded == null) {
                if (sealed == null) {
                    throw new IllegalStateException(key + " was released before it was written");
                }
                encoded = sealed.encode();
                summary = encoded.summary();
                sealed = null;
            }
            return encoded;
        }

        /** Its summary, or null if it was never encoded (and so never written). */
        synchronized SegmentSummary summary() {
            return summary;
        }

        synchronized void release() {
            sealed = null;
            encoded = null;
        }
    }

    /** One partition's pipeline. Its fields belong to the task thread, except {@link #closed}, which jobs read. */
    private static final class Lane {
        final TopicPartition partition;
        final Fence fence;
        /** Segments not yet covered by an acknowledged index, in offset order. */
        final ArrayDeque<Upload> uploads = new ArrayDeque<>();
        /** The last offset the acknowledged index register names. */
        long indexedOffset;
        boolean orphansRemoved;
        Status orphans = Status.WAITING;
        PartitionIndex indexInFlight;
        /** An index write that failed and is written again at the next retry, unless a newer one covers it. */
        PartitionIndex indexFailed;
        int running;
        volatile boolean closed;
        /** Set when fenced off: segments this task wrote beyond its index, removed once its writes in flight end. */
        List<Upload> strays;

        Lane(TopicPartition partition, Fence fence, long indexedOffset) {
            this.partition = partition;
            this.fence = fence;
            this.indexedOffset = indexedOffset;
        }
    }

    private record Done(Lane lane, Kind kind, Upload upload, PartitionIndex index, RuntimeException failure) {}

    private final FencedStore store;
    private final ArchiveLayout layout;
    private final Outcomes outcomes;
    private final ExecutorService pool;
    private final BlockingQueue<Done> completed = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    /** Estimated heap of the segments not yet at a quorum (waiting, uploading or failed): the memory bound counts it. */
    private long pendingBytes;
    private int running;
    /** The first failure since the task last asked, other than a fence; the task backs off on it. */
    private StoreException failure;
    private RuntimeException bug;

    SegmentUploader(FencedStore store, ArchiveLayout layout, Outcomes outcomes) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.outcomes = requireNonNull(outcomes, "outcomes");
        this.pool = Executors.newFixedThreadPool(UPLOAD_CONCURRENCY, runnable -> {
            Thread thread = new Thread(runnable, "mcst-sink-upload");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the pipeline of a partition this task just took over with {@code fence}, its index at {@code indexedOffset}. */
    void open(TopicPartition partition, Fence fence, long indexedOffset) {
        close(List.of(partition));
        lanes.put(partition, new Lane(partition, fence, indexedOffset));
    }

    /** Queues {@code segment} of {@code partition} (sealed after every segment queued before) for upload. */
    void submit(TopicPartition partition, PartitionBuffer.SealedSegment segment) {
        Lane lane = lane(partition);
        Upload upload = new Upload(segment);
        lane.uploads.add(upload);
        pendingBytes += upload.bytes;
        if (lane.orphansRemoved) {
            startSegment(lane, upload);
        } else if (lane.orphans == Status.WAITING) {
            startOrphans(lane);
        }
    }

    /**
     * Writes {@code index} for a partition whose pipeline is idle: the task moves it past records it reported as
     * bad, which no segment holds.
     */
    void index(TopicPartition partition, PartitionIndex index) {
        Lane lane = lane(partition);
        if (!idle(partition)) {
            throw new IllegalStateException(partition + " has uploads in flight");
        }
        startIndex(lane, index);
    }

    /** Whether {@code partition} has nothing queued, in flight or failed. */
    boolean idle(TopicPartition partition) {
        Lane lane = lanes.get(partition);
        return lane == null || (lane.uploads.isEmpty() && lane.indexInFlight == null && lane.indexFailed == null
                && lane.running == 0);
    }

    /** Bytes of segments not yet at a quorum. */
    long pendingBytes() {
        return pendingBytes;
    }

    /** Whether some write is in flight, whose completion {@link #awaitCompletion} can wait for. */
    boolean busy() {
        return running > 0;
    }

    /** Handles the writes that completed, without waiting. */
    void poll() {
        for (Done done; (done = completed.poll()) != null; ) {
            handle(done);
        }
    }

    /** Waits until a write completes (if one is in flight), then handles every completed one. */
    void awaitCompletion() {
        if (running == 0) {
            return;
        }
        try {
            handle(completed.take());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting for segment uploads", e);
        }
        poll();
    }

    /** Waits for every write in flight, and for the index writes they lead to. */
    void drain() {
        while (running > 0) {
            awaitCompletion();
        }
    }

    /**
     * Throws the first store failure since the last call, if any: the task then backs off (the failed writes are
     * retried by {@link #retryFailed}).
     */
    void throwFailure() {
        if (bug != null) {
            RuntimeException thrown = bug;
            bug = null;
            throw thrown;
        }
        if (failure != null) {
            StoreException thrown = failure;
            failure = null;
            throw thrown;
        }
    }

    /** The failure {@link #throwFailure} would throw, or null. */
    StoreException failure() {
        return failure;
    }

    /** Writes again what failed: orphan removals, segments and index registers. */
    void retryFailed() {
        for (Lane lane : lanes.values()) {
            if (lane.orphans == Status.FAILED) {
                startOrphans(lane);
            }
            for (Upload upload : lane.uploads) {
                if (upload.status == Status.FAILED) {
                    startSegment(lane, upload);
                } else if (upload.status == Status.SUMMARY_FAILED) {
                    startSummary(lane, upload);
                }
            }
            if (lane.indexFailed != null && lane.indexInFlight == null) {
                startIndex(lane, lane.indexFailed);
            }
        }
    }

    /**
     * Stops the pipelines of {@code partitions}: nothing more starts, and the writes in flight are waited for, so
     * none of them lands after this returns. Segments not yet indexed are dropped: the next owner resumes after
     * the index (and removes such segments as orphans).
     */
    void close(Collection<TopicPartition> partitions) {
        List<Lane> closing = partitions.stream().map(lanes::remove).filter(lane -> lane != null).toList();
        closing.forEach(SegmentUploader::stop);
        for (Lane lane : closing) {
            while (lane.running > 0) {
                awaitCompletion();
            }
            release(lane);
        }
    }

    /** Drops a partition fenced off by another task, without waiting: its writes in flight are aborted anyway. */
    private void drop(Lane lane) {
        lanes.remove(lane.partition, lane);
        stop(lane);
        release(lane);
    }

    private static void stop(Lane lane) {
        lane.closed = true;
    }

    /** Releases the bytes of a stopped lane's segments not at a quorum; those in flight are released when they end. */
    private void release(Lane lane) {
        for (Upload upload : lane.uploads) {
            if (upload.status == Status.WAITING || upload.status == Status.FAILED) {
                pendingBytes -= upload.bytes;
                upload.release();
            }
        }
        lane.uploads.clear();
    }

    /**
     * Stops every pipeline and the pool. Writes in flight are not waited for here: the task closes its store right
     * after, which ends them (like a crash, which the next owner's takeover handles).
     */
    @Override
    public void close() {
        lanes.values().forEach(SegmentUploader::stop);
        lanes.clear();
        pool.shutdownNow();
    }

    private Lane lane(TopicPartition partition) {
        Lane lane = lanes.get(partition);
        if (lane == null) {
            throw new IllegalStateException(partition + " is not open for uploads");
        }
        return lane;
    }

    private void startOrphans(Lane lane) {
        lane.orphans = Status.RUNNING;
        long indexedOffset = lane.indexedOffset;
        String keep = lane.uploads.isEmpty() ? null : lane.uploads.peekFirst().key;
        start(lane, Kind.ORPHANS, null, null, () -> removeOrphans(lane, indexedOffset, keep));
    }

    private void startSegment(Lane lane, Upload upload) {
        upload.status = Status.RUNNING;
        start(lane, Kind.SEGMENT, upload, null, () -> store.putFenced(upload.key, upload.encoded().blob(), lane.fence));
    }

    /**
     * Writes the segment's time index entry once its blob is at a quorum (so no entry names a blob that may never
     * land), and before the index register names it, so every segment the register covers has one.
     */
    private void startSummary(Lane lane, Upload upload) {
        upload.status = Status.SUMMARY_RUNNING;
        start(lane, Kind.SUMMARY, upload, null,
                () -> store.putFenced(layout.summaryKey(upload.summary()), new byte[0], lane.fence));
    }

    private void startIndex(Lane lane, PartitionIndex index) {
        lane.indexInFlight = index;
        start(lane, Kind.INDEX, null, index,
                () -> store.putFenced(layout.indexKey(lane.partition), index.toBytes(), lane.fence));
    }

    private void start(Lane lane, Kind kind, Upload upload, PartitionIndex index, Runnable write) {
        lane.running++;
        running++;
        pool.execute(() -> {
            RuntimeException failed = null;
            try {
                if (!lane.closed) { // a closed partition starts no more writes
                    write.run();
                }
            } catch (RuntimeException e) {
                failed = e;
            }
            completed.add(new Done(lane, kind, upload, index, failed));
        });
    }

    private void handle(Done done) {
        Lane lane = done.lane();
        lane.running--;
        running--;
        boolean retriable = done.failure() != null && !(done.failure() instanceof FencedException);
        if (done.kind() == Kind.SEGMENT && (lane.closed || !retriable)) {
            // At a quorum, or its partition is gone (released while it ran): not pending any more, even before its
            // summary is written. A segment whose write failed keeps its bytes for the retry.
            pendingBytes -= done.upload().bytes;
            done.upload().release();
        }
        if (lane.closed) {
            removeStraysOnceIdle(lane);
            return;
        }
        if (done.failure() instanceof FencedException fenced) {
            lane.strays = lane.uploads.stream().filter(upload -> upload.status != Status.WAITING).toList();
            drop(lane);
            removeStraysOnceIdle(lane);
            outcomes.fencedOff(lane.partition, fenced);
            return;
        }
        if (retriable) {
            failed(lane, done);
            return;
        }
        switch (done.kind()) {
            case ORPHANS -> {
                lane.orphans = Status.STORED;
                lane.orphansRemoved = true;
                for (Upload upload : lane.uploads) {
                    if (upload.status == Status.WAITING) {
                        startSegment(lane, upload);
                    }
                }
            }
            case SEGMENT -> startSummary(lane, done.upload());
            case SUMMARY -> {
                done.upload().status = Status.STORED;
                advanceIndex(lane);
            }
            case INDEX -> {
                PartitionIndex index = done.index();
                lane.indexInFlight = null;
                if (lane.indexFailed != null && lane.indexFailed.lastOffset() <= index.lastOffset()) {
                    lane.indexFailed = null;
                }
                if (index.lastOffset() > lane.indexedOffset) {
                    lane.indexedOffset = index.lastOffset();
                    while (!lane.uploads.isEmpty() && lane.uploads.peekFirst().lastOffset <= index.lastOffset()) {
                        Upload covered = lane.uploads.removeFirst();
                        log.debug("Archived {} records of {} as {} ({} bytes)", covered.recordCount, lane.partition,
                                covered.key, covered.bytes);
                    }
                    outcomes.archived(lane.partition, index);
                }
                advanceIndex(lane);
            }
        }
    }

    private void removeStraysOnceIdle(Lane lane) {
        if (lane.strays == null || lane.running > 0) {
            return;
        }
        List<Upload> strays = lane.strays;
        lane.strays = null;
        if (strays.isEmpty()) {
            return;
        }
        lane.running++;
        running++;
        pool.execute(() -> {
            for (Upload stray : strays) {
                SegmentSummary summary = stray.summary();
                if (summary == null) {
                    continue; // never encoded, so never written
                }
                for (String key : List.of(stray.key, layout.summaryKey(summary))) {
                    try {
                        store.removeFenced(key, lane.fence);
                    } catch (FencedException e) {
                        // the new owner wrote this key since: it is the owner's now
                    } catch (StoreException e) {
                        log.warn("{}: could not remove '{}', which this task wrote after another took the partition "
                                + "over ({}); a replay reads each offset once, so it only takes space", lane.partition,
                                key, e.getMessage());
                    }
                }
            }
            completed.add(new Done(lane, Kind.STRAYS, null, null, null));
        });
    }

    private void failed(Lane lane, Done done) {
        switch (done.kind()) {
            case ORPHANS -> lane.orphans = Status.FAILED;
            case SEGMENT -> done.upload().status = Status.FAILED;
            case SUMMARY -> done.upload().status = Status.SUMMARY_FAILED;
            case INDEX -> {
                lane.indexInFlight = null;
                lane.indexFailed = done.index();
            }
        }
        if (!(done.failure() instanceof StoreException storeFailure)) {
            if (bug == null) {
                bug = done.failure();
            }
            return;
        }
        log.debug("{}: {} failed: {}", lane.partition, done.kind(), storeFailure.getMessage());
        if (failure == null) {
            failure = storeFailure;
        }
    }

    /**
     * Writes the index to name the newest segment whose predecessors are all at a quorum, unless an index write is
     * in flight: its completion comes back here, so only the newest target is written next.
     */
    private void advanceIndex(Lane lane) {
        if (lane.indexInFlight != null) {
            return;
        }
        Upload last = null;
        for (Upload upload : lane.uploads) {
            if (upload.status != Status.STORED) {
                break;
            }
            last = upload;
        }
        if (last != null && last.lastOffset > lane.indexedOffset) {
            startIndex(lane, new PartitionIndex(last.lastOffset, last.key));
        }
    }

    /**
     * Removes the partition's segments beyond its index, once per takeover, before this task's first segment:
     * an owner that crashed between a segment and its index leaves it, and when this task's first record has
     * another offset (records lost to retention, a changed format) its segments do not overwrite it. Done after the
     * takeover, so a zombie can no longer index a segment removed here (a zombie's later unindexed segment is
     * harmless: the replay hands over each archived offset once).
     */
    private void removeOrphans(Lane lane, long indexedOffset, String keep) {
        ArchiveLayout.PartitionListing listing = layout.listPartition(store, lane.partition);
        for (SegmentKey orphan : listing.segments()) {
            if (orphan.firstOffset() > indexedOffset && !orphan.key().equals(keep)) {
                log.info("{}: removing segment '{}', written after the index (offset {}) by an owner that stopped "
                        + "before indexing it", lane.partition, orphan.key(), indexedOffset);
                // Fenced: a zombie must not remove what the owner wrote (its epoch is the higher).
                store.removeFenced(orphan.key(), lane.fence);
            }
        }
        // Their time index entries too, also the one of the segment about to be rewritten, which may differ.
        for (long firstOffset : listing.summaries().keySet()) {
            if (firstOffset > indexedOffset) {
                for (String entry : store.list(layout.summaryPrefix(lane.partition, firstOffset))) {
                    store.remove(entry);
                }
            }
        }
    }
}
