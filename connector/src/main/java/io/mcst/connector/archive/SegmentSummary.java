package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * What a segment holds, as the sink saw it when writing it: its offsets, record count, size and the range of
 * its record timestamps. The sink writes it as an empty blob whose key says all this (see
 * {@link ArchiveLayout#summaryKey}), so listing a partition tells every segment's time range without reading
 * a segment: {@code ls}, exports from a time and the source's {@code start.time} skip segments outside their
 * window. Archives written before summaries existed simply have none; readers then read the segment.
 *
 * @param lastOffset the segment's last offset (records skipped as bad after its last record included)
 * @param minTime the smallest record timestamp, empty when some record had none
 * @param maxTime the largest record timestamp, empty when some record had none
 */
public record SegmentSummary(TopicPartition partition, long firstOffset, long lastOffset, int records, long bytes,
        OptionalLong minTime, OptionalLong maxTime) {
    public SegmentSummary {
        requireNonNull(partition, "partition");
        requireNonNull(minTime, "minTime");
        requireNonNull(maxTime, "maxTime");
        if (firstOffset < 0 || lastOffset < firstOffset || records < 0 || bytes < 0) {
            throw new IllegalArgumentException("not a segment: offsets " + firstOffset + ".." + lastOffset + ", "
                    + records + " records, " + bytes + " bytes");
        }
        if (minTime.isPresent() != maxTime.isPresent()
                || (minTime.isPresent() && minTime.getAsLong() > maxTime.getAsLong())) {
            throw new IllegalArgumentException("bad time range " + minTime + ".." + maxTime);
        }
    }

    /**
     * Whether some record of the segment may have a timestamp in [{@code startTime}, {@code endTime}): false
     * only when the recorded range lies wholly outside.
     */
    public boolean mayHoldTimesIn(long startTime, long endTime) {
        return minTime.isEmpty() || (maxTime.getAsLong() >= startTime && minTime.getAsLong() < endTime);
    }

    /** The segment's key name part: first and last offset, records, bytes, min and max time ({@code none}). */
    String name() {
        return "%020d_%020d_%d_%d_%s_%s".formatted(firstOffset, lastOffset, records, bytes, time(minTime), time(maxTime));
    }

    private static String time(OptionalLong time) {
        return time.isPresent() ? Long.toString(time.getAsLong()) : "none";
    }

    /** The summary a key name written by {@link #name} describes, or empty if it is not one. */
    static Optional<SegmentSummary> parse(TopicPartition partition, String name) {
        String[] parts = name.split("_", -1);
        if (parts.length != 6 || parts[0].length() != 20 || parts[1].length() != 20) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SegmentSummary(partition, Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                    Integer.parseInt(parts[2]), Long.parseLong(parts[3]), parseTime(parts[4]), parseTime(parts[5])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static OptionalLong parseTime(String text) {
        return text.equals("none") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    }
}
