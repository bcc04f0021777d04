package io.mcst.benchmarks;

import java.util.Arrays;

/** Percentiles of a set of operation latencies, in milliseconds. */
public record LatencySummary(int count, double p50Millis, double p99Millis, double maxMillis) {

    /** Nearest-rank percentiles of {@code nanos} (sorted in place). */
    public static LatencySummary of(long[] nanos) {
        if (nanos.length == 0) {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN);
        }
        Arrays.sort(nanos);
        return new LatencySummary(nanos.length, millis(rank(nanos, 0.50)), millis(rank(nanos, 0.99)),
                millis(nanos[nanos.length - 1]));
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, index)];
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
