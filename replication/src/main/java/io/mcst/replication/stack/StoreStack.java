package io.mcst.replication.stack;

import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;

/** Builds the whole store stack from one configuration: base stores, replication, layers in order. */
public final class StoreStack {
    /** Every {@link StoreType} registered in {@code META-INF/services}: ours, and any a deployment adds. */
    private static final Map<String, StoreType> TYPES = ServiceLoader.load(StoreType.class, StoreType.class.getClassLoader())
            .stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toUnmodifiableMap(StoreType::type, Function.identity()));

    private StoreStack() {}

    /**
     * Opens the stack {@code props} describes: the base stores, replicated over by a {@link ReplicatedStore}
     * (also for one store, so the data layout does not change when stores are added). The caller closes
     * it, which closes every store in it.
     */
    public static KeyValueStore open(Map<?, ?> props) {
        StackConfig config = new StackConfig(props);
        List<KeyValueStore> stores = new ArrayList<>();
        try {
            for (String name : config.storeNames()) {
                stores.add(openStore(config, name));
            }
        } catch (RuntimeException e) {
            stores.forEach(KeyValueStore::close);
            throw e;
        }
        try {
            return new ReplicatedStore(stores, replicationOptions(config, stores.size()));
        } catch (RuntimeException e) {
            stores.forEach(KeyValueStore::close);
            throw e;
        }
    }

    private static ReplicationOptions replicationOptions(StackConfig config, int n) {
        int t = config.getInt(StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG);
        int maxT = (n - 1) / 2;
        if (t > maxT) {
            throw new ConfigException(StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG, t, "with " + n
                    + " stores, t must be in 0.." + maxT + " (t < n/2, so any two quorums of n - t stores "
                    + "intersect), or -1 for " + maxT + "; add stores or lower t");
        }
        Semantics semantics = Semantics.valueOf(
                config.getString(StackConfig.REPLICATION_SEMANTICS_CONFIG).toUpperCase(Locale.ROOT));
        return ReplicationOptions.defaults()
                .withSemantics(semantics)
                .withFaultTolerance(t)
                .withInlineMaxBytes(config.getInt(StackConfig.REPLICATION_INLINE_MAX_BYTES_CONFIG));
    }

    private static KeyValueStore openStore(StackConfig config, String name) {
        Map<String, Object> props = config.storeProperties(name);
        String typeKey = StackConfig.STORE_PREFIX + name + "." + StackConfig.STORE_TYPE_SUFFIX;
        Object typeName = props.get(StackConfig.STORE_TYPE_SUFFIX);
        if (typeName == null) {
            throw new ConfigException(typeKey, null, "set the type of store '" + name + "', one of " + TYPES.keySet());
        }
        StoreType type = TYPES.get(typeName.toString().trim());
        if (type == null) {
            throw new ConfigException(typeKey, typeName, "unknown store type; use one of " + TYPES.keySet());
        }
        props.remove(StackConfig.STORE_TYPE_SUFFIX);
        AbstractConfig storeConfig;
        try {
            storeConfig = new AbstractConfig(type.configDef(), props, false);
        } catch (ConfigException e) {
            throw new ConfigException("store '" + name + "' (keys below " + StackConfig.STORE_PREFIX + name + "."
                    + "): " + e.getMessage());
        }
        return type.open(name, storeConfig);
    }
}
