package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.schema.SchemaRegistryUnavailableException;
import io.mcst.connector.schema.SchemaReplicator;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one archived partition: its records in archived-offset order, each carrying its {@link ReplayPosition}
 * as source offset. Not thread-safe: one task thread drives it.
 *
 * <p><b>The invariant: a replay positions itself by archived offset.</b> It remembers the archived offset of the
 * last record it passed (handed over, or filtered out by the replay window), {@code passedOffset}, and
 * <ul>
 *   <li>hands over records in strictly increasing archived offset, never one at or below {@code passedOffset}:
 *       a segment that overlaps what was replayed (an orphan left by a crashed sink, a rewrite under another
 *       first offset) contributes only its records beyond it, with a WARN naming both segments;
 *   <li>reads next the segment holding the next offset: the one with the greatest first offset at or below
 *       {@code passedOffset + 1}, else the first one after it;
 *   <li>reads a segment it already finished again when the index register changed since it read it and the
 *       next segment does not start right after {@code passedOffset}: a sink that took the partition over may
 *       have rewritten that segment's key with more records (its predecessor's index write reached a minority of
 *       stores, this replay read it, the new owner did not). Records are immutable at their offset, so the
 *       records beyond {@code passedOffset} in the longer copy are exactly the ones still owed.
 * </ul>
 * So no record is skipped for good whatever a segment key held when it was read, and none is handed over twice.
 * A restart resumes from the stored position, which holds the same offset. Formats that keep no record offsets
 * stand in {@code segment first offset + record index}: exact as long as a segment key, when rewritten, holds
 * the same records first (true unless compaction removed some in between); their replay re-reads a finished
 * segment on every change of the index register, as it cannot tell a contiguous successor.
 *
 * <p>A segment is replayed only once the partition's index register covers it: the sink writes the register
 * after the segment, and until then a sink that crashes may rewrite the segment with other records. A store
 * failure (no quorum) is retried with backoff and logged, never skipped; a corrupt segment, or one still listed
 * but gone, fails the task.
 */
final class PartitionReplay {
    private static final Logger log = LoggerFactory.getLogger(PartitionReplay.class);
    static final long INITIAL_BACKOFF_MS = 500;
    static final long MAX_BACKOFF_MS = 60_000;
    /** Segments of one partition fetched ahead at most, within the task's read.ahead.bytes. */
    static final int SEGMENTS_AHEAD = 4;
    /** How soon a partition waiting for a segment being fetched looks again. */
    static final long FETCH_CHECK_MS = 5;

    /** A segment being fetched ahead, under the index register seen when it was started. */
    private record Ahead(SegmentKey segment, PartitionIndex under, ReadAhead.Fetch fetch) {}

    private final TopicPartition archived;
    private final Map<String, Object> sourcePartition;
    private final String targetTopic;
    private final ArchiveLayout layout;
    private final KeyValueStore store;
    private final SegmentReader reader;
    private final ReplayBounds bounds;
    private final boolean keepTimestamps;
    private final Optional<OriginHeaders> origin;
    private final long pollIntervalMs;
    private final SchemaReplicator schemas;

    /** The segments the index register covered at the last listing, in offset order. */
    private List<SegmentKey> listing = List.of();
    /** Their time index entries at that listing, by first offset (none for segments written before it existed). */
    private Map<Long, SegmentSummary> summaries = Map.of();
    /** The index register as last read; null before the first listing or while the partition has none. */
    private PartitionIndex indexSeen;

    /** Archived offset of the last record passed (handed over or outside the window), -1 before the first. */
    private long passedOffset = -1;
    /** First offset of the segment {@link #passedOffset} was read from, and its key if read by this replay. */
    private long passedSegment = -1;
    private String passedSegmentKey;
    /** A position stored without its offset (by an earlier version): resolved when its segment is read. */
    private ReplayPosition legacyResume;

    private SegmentKey current;
    private List<ArchivedRecord> records;
    private int next;
    private PartitionIndex currentReadUnder;
    /** Whether every record of the current segment passed so far is at or after the window's end. */
    private boolean currentPastEnd;
    private int currentPassed;

    /** The last segment read to its end, and the index register seen when it was read. */
    private SegmentKey finished;
    private PartitionIndex finishedUnder;
    private boolean finishedKeptOffsets;

    /** A whole segment lay at or after end.time: the window is complete for this partition. */
    private boolean pastEnd;
    /** No store call before this time: the next listing of a caught-up partition, or a retry's backoff. */
    private long notBeforeMs;
    private int failedAttempts;
    private final Optional<ReadAhead> readAhead;
    /** Fetches ahead by segment key, in offset order. */
    private final Map<String, Ahead> ahead = new LinkedHashMap<>();

    PartitionReplay(TopicPartition archived, String targetTopic, ArchiveLayout layout, KeyValueStore store,
            SegmentReader reader, ReplayBounds bounds, boolean keepTimestamps, Optional<OriginHeaders> origin,
            long pollIntervalMs, Optional<ReplayPosition> resumeAfter, SchemaReplicator schemas) {
        this(archived, targetTopic, layout, store, reader, bounds, keepTimestamps, origin, pollIntervalMs, resumeAfter,
                schemas, Optional.empty());
    }

    /** @param readAhead the task's fetches ahead, or empty to read each segment when it is reached */
    PartitionReplay(TopicPartition archived, String targetTopic, ArchiveLayout layout, KeyValueStore store,
            SegmentReader reader, ReplayBounds bounds, boolean keepTimestamps, Optional<OriginHeaders> origin,
            long pollIntervalMs, Optional<ReplayPosition> resumeAfter, SchemaReplicator schemas,
            Optional<ReadAhead> readAhead) {
        this.readAhead = requireNonNull(readAhead, "readAhead");
        this.archived = requireNonNull(archived, "archived");
        this.sourcePartition = ReplayPosition.sourcePartition(archived.topic(), archived.partition());
        this.targetTopic = requireNonNull(targetTopic, "targetTopic");
        this.layout = requireNonNull(layout, "layout");
        this.store = requireNonNull(store, "store");
        this.reader = requireNonNull(reader, "reader");
        this.bounds = requireNonNull(bounds, "bounds");
        this.keepTimestamps = keepTimestamps;
        this.origin = requireNonNull(origin, "origin");
        this.pollIntervalMs = pollIntervalMs;
        this.schemas = requireNonNull(schemas, "schemas");
        resumeAfter.ifPresent(position -> {
            passedSegment = position.segment();
            if (position.offsetKnown()) {
                passedOffset = position.offset();
            } else {
                legacyResume = position;
            }
        });
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

    /** Whether the replay window is complete here: a whole segment lay at or after end.time. Then it reads no more. */
    boolean pastEnd() {
        return pastEnd;
    }

    /**
     * Adds up to {@code max} records to {@code out}, reading at most one segment; adds none when the partition is
     * caught up with the archive, waiting to retry a read, past the window's end, or its segment held no record
     * within the bounds.
     *
     * @throws ConnectException naming the blob when a segment or the index register is corrupt or vanished,
     *     or a store fails in a way retrying cannot fix
     */
    void poll(List<SourceRecord> out, int max, long nowMs) {
        int start = out.size();
        int limit = start + max;
        boolean loaded = false;
        while (out.size() < limit && !pastEnd) {
            if (records != null && next < records.size()) {
                if (nowMs < notBeforeMs) {
                    return; // backing off after the schemas of the next record could not be registered
                }
                try {
                    pass(out, next);
                } catch (SchemaRegistryUnavailableException | StoreUnavailableException e) {
                    retryLater(nowMs, "register the schema of record " + next + " of " + current.key(), e);
                    return;
                }
                next++;
                continue;
            }
            if (records != null) {
                finishSegment();
                continue;
            }
            if (out.size() > start || loaded) {
                // A segment boundary: let the next partition fill the batch. One segment a call also bounds a
                // poll whose bounds filter out segment after segment.
                return;
            }
            if (nowMs < notBeforeMs) {
                return;
            }
            SegmentKey segment = nextSegment();
            if (segment == null) {
                if (!list(nowMs)) {
                    return;
                }
                segment = nextSegment();
                if (segment == null) {
                    notBeforeMs = nowMs + pollIntervalMs;
                    return;
                }
            }
            if (passUnread(segment)) {
                continue;
            }
            if (!load(segment, nowMs)) {
                return;
            }
            fetchAhead();
            loaded = true;
        }
    }

    /** The segment to read next under the invariant above, or null if the listing holds none (list again). */
    private SegmentKey nextSegment() {
        if (legacyResume != null && !listing.isEmpty()) {
            Optional<SegmentKey> stored = listing.stream()
                    .filter(segment -> segment.firstOffset() == legacyResume.segment()).findFirst();
            if (stored.isPresent()) {
                return stored.get(); // load() reads the offset of the stored record from it
            }
            // Gone (rewritten under another first offset): its records' offsets are at least first + index.
            passedOffset = legacyResume.segment() + legacyResume.index();
            log.warn("{}: segment {} of the stored position {} is no longer in the archive; resuming after offset {}",
                    archived, legacyResume.segment(), legacyResume, passedOffset);
            legacyResume = null;
        }
        long wanted = Math.max(passedOffset + 1, bounds.startOffset());
        SegmentKey holder = null;
        SegmentKey after = null;
        for (SegmentKey segment : listing) {
            if (segment.firstOffset() <= wanted) {
                holder = segment;
            } else {
                after = segment;
                break;
            }
        }
        boolean holderFinished = holder != null && finished != null && holder.key().equals(finished.key());
        if (holder != null && (!holderFinished || mayHaveGrown(after))) {
            return holder;
        }
        return after;
    }

    /** Whether the finished segment must be read again before {@code after}: see the class invariant. */
    private boolean mayHaveGrown(SegmentKey after) {
        if (Objects.equals(indexSeen, finishedUnder)) {
            return false;
        }
        return !(finishedKeptOffsets && after != null && after.firstOffset() == passedOffset + 1);
    }

    /** Reads the index register, then lists the segments it covers; false if the stores failed (retry later). */
    private boolean list(long nowMs) {
        try {
            Optional<PartitionIndex> index = readIndex();
            List<SegmentKey> covered = List.of();
            Map<Long, SegmentSummary> entries = Map.of();
            if (index.isPresent()) {
                long indexedSegment = indexedSegment(index.get());
                ArchiveLayout.PartitionListing listed = layout.listPartition(store, archived);
                covered = listed.segments().stream().filter(segment -> segment.firstOffset() <= indexedSegment).toList();
                entries = listed.summaries();
            }
            if (!Objects.equals(indexSeen, index.orElse(null))) {
                dropFetchedAhead(); // fetched under the register before: not what reading now would give
            }
            indexSeen = index.orElse(null);
            listing = covered;
            summaries = entries;
        } catch (StoreUnavailableException e) {
            retryLater(nowMs, "list the segments of " + archived, e);
            return false;
        } catch (StoreException e) {
            throw new ConnectException("cannot list the segments of " + archived + " under '"
                    + layout.partitionPrefix(archived) + "': " + e.getMessage(), e);
        }
        failedAttempts = 0;
        return true;
    }

    /**
     * Passes {@code segment} without reading it when its time index entry shows no record in the time window:
     * all its records count as passed (before start.time), or the window is complete (all at or after end.time).
     */
    private boolean passUnread(SegmentKey segment) {
        SegmentSummary summary = summaries.get(segment.firstOffset());
        if (!bounds.timeBounded() || legacyResume != null || summary == null
                || summary.mayHoldTimesIn(bounds.startTime(), bounds.endTime())) {
            return false;
        }
        if (summary.minTime().getAsLong() >= bounds.endTime()) {
            pastEnd = true;
            log.info("{}: segment '{}' lies wholly at or after {}={} (time index); the replay window is complete for "
                    + "this partition", archived, segment.key(), SourceConfig.END_TIME_CONFIG, bounds.endTime());
            return true;
        }
        passedOffset = Math.max(passedOffset, summary.lastOffset());
        passedSegment = segment.firstOffset();
        passedSegmentKey = segment.key();
        finished = segment;
        finishedUnder = indexSeen;
        finishedKeptOffsets = true;
        return true;
    }

    private Optional<PartitionIndex> readIndex() {
        String indexKey = layout.indexKey(archived);
        try {
            return store.get(indexKey).map(bytes -> PartitionIndex.parse(indexKey, bytes));
        } catch (DataException e) {
            throw new ConnectException(e.getMessage(), e);
        }
    }

    /** First offset of the last segment {@code index} covers. */
    private long indexedSegment(PartitionIndex index) {
        return layout.parseSegmentKey(index.segmentKey())
                .orElseThrow(() -> new ConnectException("index register '" + layout.indexKey(archived) + "' names '"
                        + index.segmentKey() + "', which is not a segment key of " + layout))
                .firstOffset();
    }

    private boolean load(SegmentKey segment, long nowMs) {
        if (fetching(segment)) {
            // The task hands over other partitions' records meanwhile, and looks again shortly.
            notBeforeMs = nowMs + FETCH_CHECK_MS;
            return false;
        }
        Optional<List<ArchivedRecord>> early = takeFetchedAhead(segment);
        List<ArchivedRecord> read = early.isPresent() ? early.get() : readNow(segment, nowMs);
        if (read == null) {
            return false;
        }
        failedAttempts = 0;
        if (legacyResume != null && segment.firstOffset() == legacyResume.segment()) {
            int index = Math.min(legacyResume.index(), read.size() - 1);
            passedOffset = index < 0 ? segment.firstOffset() + legacyResume.index() : offsetOf(segment, read, index);
            log.info("{}: stored position {} is archived offset {}", archived, legacyResume, passedOffset);
            legacyResume = null;
        }
        int first = 0;
        while (first < read.size() && offsetOf(segment, read, first) <= passedOffset) {
            first++;
        }
        if (first > 0 && segment.firstOffset() > passedSegment) {
            log.warn("{}: segment '{}' holds offsets up to {}, already replayed from segment '{}'; replaying only its "
                    + "records after offset {} (an orphan of a crashed sink, or a rewrite under another first offset)",
                    archived, segment.key(), offsetOf(segment, read, first - 1),
                    passedSegmentKey != null ? passedSegmentKey : "at offset " + passedSegment, passedOffset);
        }
        current = segment;
        records = read;
        next = first;
        currentReadUnder = indexSeen;
        currentPastEnd = true;
        currentPassed = 0;
        return true;
    }

    /** Reads and decodes {@code segment}; null if the stores failed (retried later) or it is gone (listed again). */
    private List<ArchivedRecord> readNow(SegmentKey segment, long nowMs) {
        Optional<byte[]> blob;
        try {
            blob = store.get(segment.key());
        } catch (StoreUnavailableException e) {
            retryLater(nowMs, "read segment '" + segment.key() + "'", e);
            return null;
        } catch (StoreException e) {
            throw new ConnectException("cannot read segment '" + segment.key() + "': " + e.getMessage(), e);
        }
        if (blob.isEmpty()) {
            // A sink taking the partition over removes segments beyond the index it read; list again to see.
            if (!list(nowMs)) {
                return null;
            }
            if (listing.stream().anyMatch(listed -> listed.key().equals(segment.key()))) {
                throw new ConnectException("segment '" + segment.key() + "' is listed in the archive but is gone; "
                        + "replaying past it would lose its records, so the task stops here");
            }
            log.warn("{}: segment '{}' was removed after it was listed (a sink took the partition over, or retention "
                    + "expired it); going on "
                    + "with the archive as it is now", archived, segment.key());
            return null;
        }
        try {
            return reader.read(segment, blob.get());
        } catch (DataException e) {
            throw new ConnectException(e.getMessage(), e);
        }
    }

    /**
     * Whether {@code segment} is being fetched ahead and has not arrived. A segment not fetched ahead (a partition's
     * first, or one whose fetch was dropped) starts fetching now, so that no partition's read holds up the task's
     * other partitions; when the budget is spent, the caller reads it on the task thread.
     */
    private boolean fetching(SegmentKey segment) {
        if (readAhead.isEmpty()) {
            return false;
        }
        Ahead pending = ahead.get(segment.key());
        if (pending == null) {
            Optional<ReadAhead.Fetch> fetch = readAhead.get().fetch(segment);
            if (fetch.isEmpty()) {
                return false;
            }
            pending = new Ahead(segment, indexSeen, fetch.get());
            ahead.put(segment.key(), pending);
        }
        return !pending.fetch().result.isDone();
    }

    /**
     * The records of {@code segment} if they were fetched ahead under the index register this replay reads by
     * (then they are what reading it now would give under that register); empty otherwise, or if the fetch failed
     * (reading it now retries or reports the failure as usual). Drops the fetches of segments up to it.
     */
    private Optional<List<ArchivedRecord>> takeFetchedAhead(SegmentKey segment) {
        Ahead taken = ahead.remove(segment.key());
        ahead.values().removeIf(other -> {
            boolean passed = other.segment().firstOffset() <= segment.firstOffset();
            if (passed) {
                other.fetch().release();
            }
            return passed;
        });
        if (taken == null) {
            return Optional.empty();
        }
        try {
            if (Objects.equals(taken.under(), indexSeen)) {
                return taken.fetch().result.join().records();
            }
            return Optional.empty();
        } catch (CompletionException | CancellationException e) {
            return Optional.empty();
        } finally {
            taken.fetch().release();
        }
    }

    /** Starts fetching the segments after the one just read, up to {@link #SEGMENTS_AHEAD} and the task's budget. */
    private void fetchAhead() {
        if (readAhead.isEmpty()) {
            return;
        }
        for (SegmentKey segment : listing) {
            if (ahead.size() >= SEGMENTS_AHEAD) {
                return;
            }
            if (segment.firstOffset() > current.firstOffset() && !ahead.containsKey(segment.key())) {
                Optional<ReadAhead.Fetch> fetch = readAhead.get().fetch(segment);
                if (fetch.isEmpty()) {
                    return;
                }
                ahead.put(segment.key(), new Ahead(segment, indexSeen, fetch.get()));
            }
        }
    }

    private void dropFetchedAhead() {
        ahead.values().forEach(other -> other.fetch().release());
        ahead.clear();
    }

    private void finishSegment() {
        if (bounds.endTime() != Long.MAX_VALUE && currentPassed > 0 && currentPastEnd) {
            pastEnd = true;
            log.info("{}: segment '{}' lies wholly at or after {}={}; the replay window is complete for this partition",
                    archived, current.key(), SourceConfig.END_TIME_CONFIG, bounds.endTime());
        }
        finished = current;
        finishedUnder = currentReadUnder;
        finishedKeptOffsets = !records.isEmpty() && records.get(0).offset() != null;
        current = null;
        records = null;
    }

    /** The archived offset of record {@code index} of {@code segment}, or its stand-in (see the class comment). */
    private static long offsetOf(SegmentKey segment, List<ArchivedRecord> records, int index) {
        Long offset = records.get(index).offset();
        return offset != null ? offset : segment.firstOffset() + index;
    }

    private void retryLater(long nowMs, String what, RuntimeException e) {
        failedAttempts++;
        long backoff = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS << Math.min(failedAttempts - 1, 16));
        notBeforeMs = nowMs + backoff;
        log.warn("could not {} from a quorum of stores (attempt {}); retrying in {} ms: {}",
                what, failedAttempts, backoff, e.getMessage());
    }

    /** Passes record {@code index} of the current segment: hands it over if the window holds it. */
    private void pass(List<SourceRecord> out, int index) {
        ArchivedRecord record = records.get(index);
        long offset = offsetOf(current, records, index);
        boolean inBounds = inBounds(record, index);
        // Before any state moves: a registry outage leaves the record to be passed again.
        Object key = inBounds ? schemas.replay(record.key().value()) : null;
        Object value = inBounds ? schemas.replay(record.value().value()) : null;
        passedOffset = offset;
        passedSegment = current.firstOffset();
        passedSegmentKey = current.key();
        currentPassed++;
        if (!inBounds) {
            return;
        }
        ConnectHeaders headers = new ConnectHeaders();
        record.headers().forEach(headers::add);
        origin.ifPresent(o -> o.addTo(headers, archived.topic(), archived.partition(), offset, current.key()));
        Long timestamp = keepTimestamps && record.timestamp() != null && record.timestamp() >= 0 ? record.timestamp() : null;
        out.add(new SourceRecord(sourcePartition, new ReplayPosition(current.firstOffset(), index, offset).toSourceOffset(),
                targetTopic, archived.partition(),
                record.key().schema(), key, record.value().schema(), value,
                timestamp, headers));
    }

    private boolean inBounds(ArchivedRecord record, int index) {
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
        if (!bounds.timeBounded()) {
            return true;
        }
        if (record.timestamp() == null) {
            String which = record.offset() != null ? archived + " at offset " + record.offset()
                    : index + " of " + archived;
            throw new ConnectException("record " + which + " in segment '" + current.key() + "' has no timestamp (its "
                    + "format keeps none, or it was produced without one), so " + SourceConfig.START_TIME_CONFIG + "/"
                    + SourceConfig.END_TIME_CONFIG + " cannot select it; replay without a time window, or set "
                    + SourceConfig.START_OFFSET_CONFIG + " past it");
        }
        currentPastEnd &= record.timestamp() >= bounds.endTime();
        return bounds.includesTime(record.timestamp());
    }
}
