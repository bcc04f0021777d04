package io.mcst.connector;

import io.mcst.replication.stack.StackConfig;
import io.mcst.replication.stack.StoreType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The storage checks a connector's {@code validate()} adds to its ConfigDef's, so Connect's validate REST
 * reports them against the key at fault: each store's {@code store.<name>.type} and that type's own keys,
 * and a fault tolerance the number of stores cannot give. Reports every error at once.
 */
public final class StorageValidation {
    private StorageValidation() {}

    /** Adds the storage errors of {@code props} to {@code config} (the ConfigDef's validation), in place. */
    public static Config addTo(Config config, Map<String, String> props) {
        Map<String, ConfigValue> byName = new TreeMap<>();
        config.configValues().forEach(value -> byName.put(value.name(), value));
        List<String> stores;
        try {
            stores = new StackConfig(props).storeNames();
        } catch (ConfigException e) {
            return config; // the stores key itself is wrong; the ConfigDef's validation already says how
        }
        Map<String, StoreType> types = new TreeMap<>();
        ServiceLoader.load(StoreType.class, StoreType.class.getClassLoader())
                .forEach(type -> types.put(type.type(), type));
        for (String store : stores) {
            String prefix = StackConfig.STORE_PREFIX + store + ".";
            String typeKey = prefix + StackConfig.STORE_TYPE_SUFFIX;
            String typeName = props.get(typeKey);
            if (typeName == null || typeName.isBlank()) {
                error(byName, config, typeKey, typeName,
                        "store '" + store + "' needs a type: set " + typeKey + " to one of " + types.keySet());
                continue;
            }
            StoreType type = types.get(typeName.trim());
            if (type == null) {
                error(byName, config, typeKey, typeName,
                        "unknown store type '" + typeName + "'; use one of " + types.keySet());
                continue;
            }
            Map<String, String> storeProps = new TreeMap<>();
            props.forEach((key, value) -> {
                if (key.startsWith(prefix) && !key.equals(typeKey)) {
                    storeProps.put(key.substring(prefix.length()), value);
                }
            });
            for (ConfigValue value : type.configDef().validate(storeProps)) {
                for (String message : value.errorMessages()) {
                    // No value echoed: a store's keys may be secrets that validate REST would show in clear.
                    error(byName, config, prefix + value.name(), null,
                            message + " (store '" + store + "' of type " + typeName.trim() + ")");
                }
            }
        }
        checkFaultTolerance(byName, config, props, stores.size());
        return config;
    }

    private static void checkFaultTolerance(Map<String, ConfigValue> byName, Config config, Map<String, String> props, int n) {
        String raw = props.get(StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG);
        if (raw == null) {
            return;
        }
        int t;
        try {
            t = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            return; // not an int: the ConfigDef's validation reports it
        }
        if (t >= 0 && 2 * t >= n) {
            error(byName, config, StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG, raw,
                    "with " + n + " stores at most " + (n - 1) / 2 + " may fail (t must be below n/2); add stores or "
                            + "lower " + StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG);
        }
    }

    /** Records {@code message} against {@code key}, adding the key to the result if the ConfigDef lacks it. */
    public static void error(Map<String, ConfigValue> byName, Config config, String key, Object value, String message) {
        ConfigValue configValue = byName.get(key);
        if (configValue == null) {
            configValue = new ConfigValue(key, value, new ArrayList<>(), new ArrayList<>());
            byName.put(key, configValue);
            config.configValues().add(configValue);
        }
        configValue.addErrorMessage(key + ": " + message);
    }
}
