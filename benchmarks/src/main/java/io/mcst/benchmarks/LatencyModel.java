package io.mcst.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How long one call to a cloud store takes: a lognormal per operation (a median and a long right tail, as
 * measured request latencies of object stores look) plus the time to move the value's bytes at a
 * per-connection bandwidth. Medians are in milliseconds.
 *
 * @param tailSigma the lognormal's sigma: 0.5 puts p99 at about 3.2x the median
 * @param bytesPerSecond transfer rate of one connection, for the value bytes of a put or get
 */
public record LatencyModel(
        double putMedianMillis,
        double getMedianMillis,
        double listMedianMillis,
        double removeMedianMillis,
        double tailSigma,
        double bytesPerSecond) {

    /** The operations a store call can be. */
    public enum Op { PUT, GET, LIST, REMOVE }

    private static final double MIB = 1024 * 1024;

    public LatencyModel {
        if (putMedianMillis < 0 || getMedianMillis < 0 || listMedianMillis < 0 || removeMedianMillis < 0) {
            throw new IllegalArgumentException("medians must be >= 0 ms");
        }
        if (tailSigma < 0) {
            throw new IllegalArgumentException("tailSigma must be >= 0, got " + tailSigma);
        }
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("bytesPerSecond must be > 0, got " + bytesPerSecond);
        }
    }

    /**
     * One cloud region seen from a client in the same region: put 40 ms, get 25 ms, list 60 ms, delete 30 ms
     * medians, p99 about 3x the median, 100 MiB/s per connection.
     */
    public static LatencyModel cloudRegion() {
        return new LatencyModel(40, 25, 60, 30, 0.5, 100 * MIB);
    }

    /** No added latency at all: the store's own CPU cost only. */
    public static LatencyModel none() {
        return new LatencyModel(0, 0, 0, 0, 0, Double.MAX_VALUE);
    }

    /** This model {@code factor} times slower: medians multiplied, bandwidth divided. */
    public LatencyModel slowerBy(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("factor must be > 0, got " + factor);
        }
        return new LatencyModel(putMedianMillis * factor, getMedianMillis * factor, listMedianMillis * factor,
                removeMedianMillis * factor, tailSigma, bytesPerSecond / factor);
    }

    /**
     * One draw, in nanoseconds, of {@code rounds} run one after another against {@code n} stores that each
     * follow this model: in a round every store gets the calls the round names at once and answers when the
     * slowest of them did, and the round ends when the {@code quorum}-th fastest store answered. What a
     * replicated operation would take if it waited for nothing but its rounds.
     */
    public long quorumRoundsNanos(int n, int quorum, List<List<Op>> rounds, int valueBytes, Random random) {
        if (quorum < 1 || quorum > n) {
            throw new IllegalArgumentException("quorum must be within 1.." + n + ", got " + quorum);
        }
        long total = 0;
        long[] stores = new long[n];
        for (List<Op> round : rounds) {
            for (int i = 0; i < n; i++) {
                long slowest = 0;
                for (Op op : round) {
                    slowest = Math.max(slowest, sampleNanos(op, op == Op.LIST ? 0 : valueBytes, random));
                }
                stores[i] = slowest;
            }
            Arrays.sort(stores);
            total += stores[quorum - 1];
        }
        return total;
    }

    /** A latency in nanoseconds for one call of {@code op} that moves {@code valueBytes} value bytes. */
    public long sampleNanos(Op op, int valueBytes, Random random) {
        double median = switch (op) {
            case PUT -> putMedianMillis;
            case GET -> getMedianMillis;
            case LIST -> listMedianMillis;
            case REMOVE -> removeMedianMillis;
        };
        double requestMillis = median * Math.exp(tailSigma * random.nextGaussian());
        double transferMillis = valueBytes * 1000.0 / bytesPerSecond;
        return Math.round((requestMillis + transferMillis) * 1_000_000);
    }
}
