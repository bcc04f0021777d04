package io.mcst.connector.source;

/**
 * The window of a replay: archived offsets from {@code startOffset}, archived timestamps in
 * [{@code startTime}, {@code endTime}). Unbounded ends are {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}.
 */
public record ReplayBounds(long startOffset, long startTime, long endTime) {
    public static final ReplayBounds ALL = new ReplayBounds(0, Long.MIN_VALUE, Long.MAX_VALUE);

    public ReplayBounds {
        if (startOffset < 0) {
            throw new IllegalArgumentException("startOffset must not be negative: " + startOffset);
        }
        if (startTime >= endTime) {
            throw new IllegalArgumentException("startTime " + startTime + " must be before endTime " + endTime);
        }
    }

    public boolean timeBounded() {
        return startTime != Long.MIN_VALUE || endTime != Long.MAX_VALUE;
    }

    public boolean includesOffset(long offset) {
        return offset >= startOffset;
    }

    public boolean includesTime(long timestamp) {
        return timestamp >= startTime && timestamp < endTime;
    }
}
