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

    void record(LatencyModel.Op op, int valueBytes) {
        calls.get(op).increment();
        bytes.get(op).add(valueBytes);
    }

    public long calls(LatencyModel.Op op) {
        return calls.get(op).sum();
    }

    public long bytes(LatencyModel.Op op) {
        return bytes.get(op).sum();
    }
}
