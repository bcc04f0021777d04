package io.mcst.benchmarks;

import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stack.StoreType;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.SharedStoreView;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * {@code type=modeled}: an in-memory store (JVM-wide by name, see {@link BenchStores}) that answers as slowly
 * as a cloud region would ({@link LatencyModel#cloudRegion()}), so any stack the product can build runs
 * against it unchanged.
 */
public final class ModeledStoreType implements StoreType {
    static final String LATENCY_FACTOR_CONFIG = "latency.factor";
    static final String LATENCY_SEED_CONFIG = "latency.seed";
    static final String DISCARD_CONFIG = "discard";

    @Override
    public String type() {
        return "modeled";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef()
                .define(LATENCY_FACTOR_CONFIG, Type.DOUBLE, 1.0, ConfigDef.Range.atLeast(0.0), Importance.MEDIUM,
                        "How many times slower than one cloud region this store is; 0 adds no latency at all.")
                .define(LATENCY_SEED_CONFIG, Type.LONG, 1L, Importance.LOW,
                        "Seed of the latency draws, combined with the store name so replicas differ.")
                .define(DISCARD_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                        "true: take every write and keep nothing, so heap figures of the writer exclude the archive.");
    }

    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        if (config.getBoolean(DISCARD_CONFIG)) {
            return attach(storeName, new DiscardingStore(storeName), config.getDouble(LATENCY_FACTOR_CONFIG),
                    config.getLong(LATENCY_SEED_CONFIG));
        }
        return open(storeName, config.getDouble(LATENCY_FACTOR_CONFIG), config.getLong(LATENCY_SEED_CONFIG));
    }

    /**
     * The store a stack naming {@code storeName} with these settings gets (also the harness's bare
     * baseline): the shared data behind the latency model, behind a fault switch that
     * {@link BenchStores#stall} flips.
     */
    static KeyValueStore open(String storeName, double latencyFactor, long seed) {
        return attach(storeName, new SharedStoreView(BenchStores.base(storeName).data()), latencyFactor, seed);
    }

    private static KeyValueStore attach(String storeName, KeyValueStore data, double latencyFactor, long seed) {
        LatencyModel model = latencyFactor == 0 ? LatencyModel.none() : LatencyModel.cloudRegion().slowerBy(latencyFactor);
        BenchStores.Base base = BenchStores.base(storeName);
        FaultInjectingStore store = new FaultInjectingStore(
                new ModeledStore(data, model, seed * 31 + storeName.hashCode(), base.traffic()));
        base.attach(store);
        return store;
    }
}
