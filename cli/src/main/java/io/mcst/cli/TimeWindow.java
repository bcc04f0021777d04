package io.mcst.cli;

import io.mcst.connector.archive.SegmentSummary;
import io.mcst.connector.format.ArchivedRecord;
import java.time.Instant;
import java.util.Optional;

/** Record times in [{@code from}, {@code to}): the window of ls and export, unbounded by default. */
record TimeWindow(long from, long to) {
    static final TimeWindow ALL = new TimeWindow(Long.MIN_VALUE, Long.MAX_VALUE);

    TimeWindow {
        if (from >= to) {
            throw new IllegalArgumentException("--from " + Instant.ofEpochMilli(from) + " must be before --to-time "
                    + Instant.ofEpochMilli(to));
        }
    }

    static TimeWindow of(String from, String to) {
        return new TimeWindow(from == null ? Long.MIN_VALUE : ArchiveCommand.instant(from, "--from"),
                to == null ? Long.MAX_VALUE : ArchiveCommand.instant(to, "--to-time"));
    }

    boolean bounded() {
        return from != Long.MIN_VALUE || to != Long.MAX_VALUE;
    }

    /** False only when the segment's summary shows no record time in the window: then it is skipped unread. */
    boolean mayHold(Optional<SegmentSummary> summary) {
        return !bounded() || summary.map(s -> s.mayHoldTimesIn(from, to)).orElse(true);
    }

    /** Whether {@code record} is in the window; a record without a timestamp is only in an unbounded one. */
    boolean holds(ArchivedRecord record) {
        return !bounded() || (record.timestamp() != null && record.timestamp() >= from && record.timestamp() < to);
    }
}
