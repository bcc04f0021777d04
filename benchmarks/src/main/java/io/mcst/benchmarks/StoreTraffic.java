package io.mcst.benchmarks;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Calls and value bytes one store served, per operation: the read/write amplification and GC cost. */
public final class StoreTraffic {
    private final Map<LatencyModel.Op, LongAdder> calls = new EnumMap<>(LatencyModel.Op.class);
    private final Map<LatencyModel.Op, LongAdder> bytes = new EnumMap<>(LatencyModel.Op.class);

    public StoreTraffic() {
        for (LatencyModel.Op op : LatencyModel.Op.values()) {
            calls.put(op, new LongAdder());
            bytes.put(op, new LongAdder());
        }
    }

    /** When the first put completed and the longest time between two completed puts, in nanoseconds. */
    private long firstPutNanos;
    private long lastPutNanos;
    private long longestPutGapNanos;

    void record(LatencyModel.Op op, int valueBytes) {
        calls.get(op).increment();
        bytes.get(op).add(valueBytes);
        if (op == LatencyModel.Op.PUT) {
            recordPutTime(System.nanoTime());
        }
    }

    private synchronized void recordPutTime(long now) {
        if (firstPutNanos == 0) {
            firstPutNanos = now;
        } else {
            longestPutGapNanos = Math.max(longestPutGapNanos, now - lastPutNanos);
        }
        lastPutNanos = now;
    }

    /** {@link System#nanoTime()} when the first put completed, or 0 if none did. */
    public synchronized long firstPutNanos() {
        return firstPutNanos;
    }

    /** The longest pause between two completed puts: how long uploads to this store stood still. */
    public synchronized long longestPutGapNanos() {
        return longestPutGapNanos;
    }

    public long calls(LatencyModel.Op op) {
        return calls.get(op).sum();
    }

    public long bytes(LatencyModel.Op op) {
        return bytes.get(op).sum();
    }
}
