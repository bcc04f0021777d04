package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one archived partition: its segments in offset order, each segment's records in archive order, each
 * record carrying its {@link ReplayPosition} as source offset. Not thread-safe: one task thread drives it.
 *
 * <p>A segment is replayed only once the partition's index register covers it: the sink writes the register
 * after the segment, and until then a sink that crashes may rewrite the segment with other records (its rotation
 * points depend on wall-clock time), which would replay some records twice. A store failure (no quorum) is
 * retried with backoff and logged, never skipped; a corrupt segment, or one listed and then gone, fails the task.
 */
final class PartitionReplay {
    private static final Logger log = LoggerFactory.getLogger(PartitionReplay.class);
    static final long INITIAL_BACKOFF_MS = 500;
    static final long MAX_BACKOFF_MS = 60_000;

    private final TopicPartition archived;
    private final Map<String, Object> sourcePartition;
    private final String targetTopic;
    private final ArchiveLayout layout;
    private final KeyValueStore store;
    private final SegmentReader reader;
    private final ReplayBounds bounds;
    private final boolean keepTimestamps;
    private final long pollIntervalMs;

    /** Where a restart resumes: the last record handed over before, or null when replaying from the start. */
    private final ReplayPosition resumeAfter;
    /** First offset of the last segment replayed to its end, or -1 before the first. */
    private long finishedSegment = -1;
    private final Deque<SegmentKey> pending = new ArrayDeque<>();
    private SegmentKey current;
    private List<ArchivedRecord> records;
    private int next;
    /** No store call before this time: the next listing of a caught-up partition, or a retry's backoff. */
    private long notBeforeMs;
    private int failedAttempts;

    PartitionReplay(TopicPartition archived, String targetTopic, ArchiveLayout layout, KeyValueStore store,
            SegmentReader reader, ReplayBounds bounds, boolean keepTimestamps, long pollIntervalMs,
            Optional<ReplayPosition> resumeAfter) {
        this.archived = requireNonNull(archived, "archived");
        this.sourcePartition = ReplayPosition.sourcePartition(archived.topic(), archived.partition());
        this.targetTopic = requireNonNull(targetTopic, "targetTopic");
        this.layout = requireNonNull(layout, "layout");
        this.store = requireNonNull(store, "store");
        this.reader = requireNonNull(reader, "reader");
        this.bounds = requireNonNull(bounds, "bounds");
        this.keepTimestamps = keepTimestamps;
        this.pollIntervalMs = pollIntervalMs;
        this.resumeAfter = resumeAfter.orElse(null);
    }

    TopicPartition archived() {
        return archived;
    }

    /** Whether a segment is read but not yet replayed to its end: the task keeps polling this partition first. */
    boolean holdsSegment() {
        return records != null && next < records.size();
    }

    /** When this partition can next make progress, if its last {@link #poll} added nothing. */
    long notBeforeMs() {
        return notBeforeMs;
    }

    /**
     * Adds up to {@code max} records to {@code out}, reading at most one segment; adds none when the partition is
     * caught up with the archive, waiting to retry a read, or its segment held no record within the bounds.
     *
     * @throws ConnectException naming the blob when a segment or the index register is corrupt or vanished,
     *     or a store fails in a way retrying cannot fix
     */
    void poll(List<SourceRecord> out, int max, long nowMs) {
        int start = out.size();
        int limit = start + max;
        boolean loaded = false;
        while (out.size() < limit) {
            if (records != null && next < records.size()) {
                emit(out, records.get(next), next);
                next++;
                continue;
            }
            if (records != null) {
                finishedSegment = current.firstOffset();
                current = null;
                records = null;
            }
            if (out.size() > start || loaded) {
                // A segment boundary: let the next partition fill the batch. One segment a call also bounds a
                // poll whose bounds filter out segment after segment.
                return;
            }
            if (nowMs < notBeforeMs) {
                return;
            }
            if (pending.isEmpty() && !list(nowMs)) {
                return;
            }
            if (!load(pending.peekFirst(), nowMs)) {
                return;
            }
            loaded = true;
        }
    }

    /** Lists the replayable segments after the position; false if there are none (yet) or the store failed. */
    private boolean list(long nowMs) {
        ArchiveLayout.PartitionListing listing;
        Optional<Long> indexedUpTo;
        try {
            indexedUpTo = indexedSegment();
            listing = indexedUpTo.isEmpty() ? new ArchiveLayout.PartitionListing(List.of(), Map.of())
                    : layout.listPartition(store, archived);
        } catch (StoreUnavailableException e) {
            retryLater(nowMs, "list the segments of " + archived, e);
            return false;
        } catch (StoreException e) {
            throw new ConnectException("cannot list the segments of " + archived + " under '"
                    + layout.partitionPrefix(archived) + "': " + e.getMessage(), e);
        }
        failedAttempts = 0;
        long resumeSegment = resumeAfter == null ? -1 : resumeAfter.segment();
        List<SegmentKey> replayable = listing.segments().stream()
                .filter(segment -> segment.firstOffset() > finishedSegment && segment.firstOffset() >= resumeSegment)
                .filter(segment -> segment.firstOffset() <= indexedUpTo.orElseThrow())
                .toList();
        for (int i = 0; i < replayable.size(); i++) {
            // Every record of a segment is below the next segment's first offset: skip the whole segment.
            boolean belowStart = i + 1 < replayable.size() && replayable.get(i + 1).firstOffset() <= bounds.startOffset();
            // Its summary (the time index) shows no record in the time window: skip it unread.
            boolean outsideWindow = bounds.timeBounded() && listing.summary(replayable.get(i))
                    .filter(summary -> !summary.mayHoldTimesIn(bounds.startTime(), bounds.endTime())).isPresent();
            if (!belowStart && !outsideWindow) {
                pending.addLast(replayable.get(i));
            }
        }
        if (resumeAfter != null && finishedSegment < 0 && !replayable.isEmpty()
                && replayable.get(0).firstOffset() != resumeSegment) {
            log.warn("segment {} of {}, where the last replay stopped, is no longer in the archive; resuming at {}",
                    resumeSegment, archived, replayable.get(0).key());
        }
        if (pending.isEmpty()) {
            notBeforeMs = nowMs + pollIntervalMs;
            return false;
        }
        return true;
    }

    /** First offset of the last segment the index register covers, or empty if the sink has indexed none yet. */
    private Optional<Long> indexedSegment() {
        String indexKey = layout.indexKey(archived);
        Optional<byte[]> bytes = store.get(indexKey);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            PartitionIndex index = PartitionIndex.parse(indexKey, bytes.get());
            SegmentKey segment = layout.parseSegmentKey(index.segmentKey())
                    .orElseThrow(() -> new DataException("index register '" + indexKey + "' names '"
                            + index.segmentKey() + "', which is not a segment key of " + layout));
            return Optional.of(segment.firstOffset());
        } catch (DataException e) {
            throw new ConnectException(e.getMessage(), e);
        }
    }

    private boolean load(SegmentKey segment, long nowMs) {
        Optional<byte[]> blob;
        try {
            blob = store.get(segment.key());
        } catch (StoreUnavailableException e) {
            retryLater(nowMs, "read segment '" + segment.key() + "'", e);
            return false;
        } catch (StoreException e) {
            throw new ConnectException("cannot read segment '" + segment.key() + "': " + e.getMessage(), e);
        }
        if (blob.isEmpty()) {
            if (expiredMeanwhile(segment)) {
                log.warn("segment {} of {} expired (retention) after it was listed; replay goes on after it",
                        segment.key(), archived);
                pending.removeFirst();
                return false;
            }
            throw new ConnectException("segment '" + segment.key() + "' was listed in the archive but is gone; "
                    + "replaying past it would lose its records, so the task stops here");
        }
        failedAttempts = 0;
        List<ArchivedRecord> read;
        try {
            read = reader.read(segment, blob.get());
        } catch (DataException e) {
            throw new ConnectException(e.getMessage(), e);
        }
        pending.removeFirst();
        current = segment;
        records = read;
        next = resumeAfter != null && resumeAfter.segment() == segment.firstOffset() ? resumeAfter.index() + 1 : 0;
        return true;
    }

    /**
     * Whether {@code segment}, listed but now absent, was removed by retention: retention removes only the
     * oldest segments, so it is no longer listed and every segment still listed starts after it. A segment
     * gone from the middle of the archive is a loss, never skipped.
     */
    private boolean expiredMeanwhile(SegmentKey segment) {
        List<SegmentKey> now = layout.segments(store, archived);
        return now.stream().allMatch(listed -> listed.firstOffset() > segment.firstOffset());
    }

    private void retryLater(long nowMs, String what, StoreUnavailableException e) {
        failedAttempts++;
        long backoff = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS << Math.min(failedAttempts - 1, 16));
        notBeforeMs = nowMs + backoff;
        log.warn("could not {} from a quorum of stores (attempt {}); retrying in {} ms: {}",
                what, failedAttempts, backoff, e.getMessage());
    }

    private void emit(List<SourceRecord> out, ArchivedRecord record, int index) {
        if (!inBounds(record)) {
            return;
        }
        ConnectHeaders headers = new ConnectHeaders();
        record.headers().forEach(headers::add);
        Long timestamp = keepTimestamps && record.timestamp() != null && record.timestamp() >= 0 ? record.timestamp() : null;
        out.add(new SourceRecord(sourcePartition, new ReplayPosition(current.firstOffset(), index).toSourceOffset(),
                targetTopic, archived.partition(),
                record.key().schema(), record.key().value(), record.value().schema(), record.value().value(),
                timestamp, headers));
    }

    private boolean inBounds(ArchivedRecord record) {
        if (bounds.startOffset() > current.firstOffset()) {
            if (record.offset() == null) {
                throw new ConnectException("segment '" + current.key() + "' starts below " + SourceConfig.START_OFFSET_CONFIG
                        + "=" + bounds.startOffset() + " but its format keeps no record offsets; replay from "
                        + current.firstOffset() + " or from a segment boundary");
            }
            if (!bounds.includesOffset(record.offset())) {
                return false;
            }
        }
        if (bounds.timeBounded()) {
            if (record.timestamp() == null) {
                throw new ConnectException("segment '" + current.key() + "' keeps no record timestamps, so "
                        + SourceConfig.START_TIME_CONFIG + "/" + SourceConfig.END_TIME_CONFIG + " cannot select records");
            }
            return bounds.includesTime(record.timestamp());
        }
        return true;
    }
}
