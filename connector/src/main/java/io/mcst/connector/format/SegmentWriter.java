package io.mcst.connector.format;

import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Collects the records of one partition for one segment, then encodes them as one blob. Records are
 * converted when appended, so a record the format cannot represent is rejected at once (and can go to the
 * dead letter queue) while the segment stays intact. Not thread-safe: one writer per partition buffer.
 */
public interface SegmentWriter {
    /** Whether {@code record} may join this segment; false means: rotate first (e.g. the schema changed). */
    default boolean accepts(SinkRecord record) {
        return true;
    }

    /**
     * Adds {@code record}.
     *
     * @throws org.apache.kafka.connect.errors.DataException if this format cannot represent the record; the
     *     segment is then unchanged
     */
    void append(SinkRecord record);

    /** How many records were appended. */
    int recordCount();

    /** An estimate of the heap the appended records hold, for the task's memory bound. */
    long estimatedBytes();

    /**
     * Encodes the appended records as one blob, in append order. Call once, after the last append; it may run on
     * another thread than the appends (the sink encodes on its upload threads).
     */
    byte[] finish();
}
