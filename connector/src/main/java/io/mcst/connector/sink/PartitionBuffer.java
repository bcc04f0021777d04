package io.mcst.connector.sink;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.SegmentSummary;
import io.mcst.connector.format.RecordFormat;
import io.mcst.connector.format.SegmentWriter;
import io.mcst.replication.Fence;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * What the task holds for one assigned partition: the offset the archive holds up to and the open segment
 * being filled. Sealed segments go to the {@link SegmentUploader}. Not thread-safe: only the task's thread
 * touches it.
 */
final class PartitionBuffer {
    /**
     * A segment sealed and named, its records not yet encoded: {@link #encode} does that on an upload thread, so
     * the task thread goes on consuming meanwhile. Only the uploader touches {@code writer} from then on.
     *
     * @param estimatedBytes heap its records hold until encoded, as the memory bound counts it
     */
    record SealedSegment(TopicPartition partition, String key, long firstOffset, long lastOffset, int recordCount,
            long estimatedBytes, OptionalLong minTime, OptionalLong maxTime, SegmentWriter writer) {
        /** Encodes the records: the blob and its summary (the time index entry). Call once, from any thread. */
        Encoded encode() {
            byte[] blob = writer.finish();
            return new Encoded(blob, new SegmentSummary(partition, firstOffset, lastOffset, recordCount, blob.length,
                    minTime, maxTime));
        }
    }

    /** A sealed segment's blob and summary. */
    record Encoded(byte[] blob, SegmentSummary summary) {}

    private final TopicPartition partition;
    private final RecordFormat format;
    /** Offset of the last record the archive holds (quorum-acknowledged segment and index), or -1. */
    private long archivedOffset;
    /** The epoch of the partition's index register this task holds: every segment and index write carries it. */
    private final Fence fence;
    /** The segment the index register names, or null before the partition's first index write. */
    private String indexedSegmentKey;
    /** Highest offset already taken care of: archived, buffered, sealed or skipped as bad. */
    private long handledOffset;
    private SegmentWriter writer;
    private long firstOffset;
    private Long firstTimestamp;
    /** The open segment's smallest and largest record timestamps; timed is false once a record had none. */
    private long minTimestamp;
    private long maxTimestamp;
    private boolean timed;
    private long openedAtMs;
    /** Whether the last record delivered was behind the archive (the log went back), to log such runs once. */
    private boolean behindArchiveRun;

    PartitionBuffer(TopicPartition partition, RecordFormat format, long archivedOffset, String indexedSegmentKey,
            Fence fence) {
        this.partition = requireNonNull(partition, "partition");
        this.fence = requireNonNull(fence, "fence");
        this.format = requireNonNull(format, "format");
        this.archivedOffset = archivedOffset;
        this.handledOffset = archivedOffset;
        this.indexedSegmentKey = indexedSegmentKey;
    }

    TopicPartition partition() {
        return partition;
    }

    long archivedOffset() {
        return archivedOffset;
    }

    Fence fence() {
        return fence;
    }

    String indexedSegmentKey() {
        return indexedSegmentKey;
    }

    long handledOffset() {
        return handledOffset;
    }

    /**
     * Whether every record handled since the last index write was reported bad, provided no sealed segment is
     * on its way: nothing is buffered, yet the task is past the archived offset. The index can then move past
     * them, so that neither a commit nor a new owner sends them to the dead letter queue again.
     */
    boolean onlyReportedSinceIndex() {
        return handledOffset > archivedOffset && !hasOpenSegment();
    }

    /** The index register now says {@code lastOffset} is archived, in the segment it already named (or in {@code segmentKey}). */
    void indexed(long lastOffset, String segmentKey) {
        archivedOffset = lastOffset;
        indexedSegmentKey = segmentKey;
    }

    /** Notes a record behind the archive; true if it starts a run of them. */
    boolean startBehindArchiveRun() {
        boolean starts = !behindArchiveRun;
        behindArchiveRun = true;
        return starts;
    }

    void endBehindArchiveRun() {
        behindArchiveRun = false;
    }

    /** Whether {@code offset} was already handled: a redelivery after a retry, or a record before a rewind. */
    boolean handled(long offset) {
        return offset <= handledOffset;
    }

    /** Marks a bad record (reported or skipped) as handled, so a redelivery does not report it twice. */
    void skip(long offset) {
        handledOffset = Math.max(handledOffset, offset);
    }

    boolean hasOpenSegment() {
        return writer != null && writer.recordCount() > 0;
    }

    int openRecordCount() {
        return hasOpenSegment() ? writer.recordCount() : 0;
    }

    /** Whether {@code record} must start a new segment: another schema, or past the record-time span. */
    boolean needsRotationBefore(SinkRecord record, long rotateIntervalMs) {
        if (!hasOpenSegment()) {
            return false;
        }
        if (!writer.accepts(record)) {
            return true;
        }
        return rotateIntervalMs >= 0 && firstTimestamp != null && record.timestamp() != null
                && record.timestamp() - firstTimestamp >= rotateIntervalMs;
    }

    /**
     * Appends {@code record} to the open segment.
     *
     * @throws org.apache.kafka.connect.errors.DataException if the format cannot hold it (nothing changes)
     */
    void append(SinkRecord record, long nowMs) {
        if (writer == null) {
            writer = format.newWriter();
        }
        writer.append(record);
        if (writer.recordCount() == 1) {
            firstOffset = record.originalKafkaOffset();
            firstTimestamp = record.timestamp();
            openedAtMs = nowMs;
            timed = true;
            minTimestamp = Long.MAX_VALUE;
            maxTimestamp = Long.MIN_VALUE;
        }
        if (record.timestamp() == null || record.timestamp() < 0) {
            timed = false;
        } else {
            minTimestamp = Math.min(minTimestamp, record.timestamp());
            maxTimestamp = Math.max(maxTimestamp, record.timestamp());
        }
        handledOffset = record.originalKafkaOffset();
    }

    boolean openLongerThan(long intervalMs, long nowMs) {
        return hasOpenSegment() && intervalMs >= 0 && nowMs - openedAtMs >= intervalMs;
    }

    /**
     * Seals the open segment under {@code key} for upload; the next record opens a new segment. Its last offset is
     * the highest handled one, so bad records skipped after its last record count as done once it is archived (and
     * are not reported again after a restart).
     */
    SealedSegment seal(String key) {
        SealedSegment sealed = new SealedSegment(partition, key, firstOffset, handledOffset, writer.recordCount(),
                writer.estimatedBytes(), timed ? OptionalLong.of(minTimestamp) : OptionalLong.empty(),
                timed ? OptionalLong.of(maxTimestamp) : OptionalLong.empty(), writer);
        writer = null;
        firstTimestamp = null;
        return sealed;
    }

    long firstOffset() {
        return firstOffset;
    }

    /** Heap held by the open segment, as estimated; sealed segments are the uploader's to count. */
    long bufferedBytes() {
        return writer == null ? 0 : writer.estimatedBytes();
    }
}
