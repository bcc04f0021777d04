package io.mcst.stack;

import io.mcst.replication.layers.compression.CompressionCodec;
import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.replication.layers.encryption.KeysetTool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * The checks behind {@link StackConfig#validate}: Kafka's per-key validation, then what ConfigDef cannot
 * express: the keys of each named store's type, and rules that span keys.
 */
final class StackValidation {
    private StackValidation() {}

    static Map<String, ConfigValue> validateAll(ConfigDef def, Map<String, String> props) {
        Map<String, ConfigValue> values = new LinkedHashMap<>(def.validateAll(props));
        explainMissing(def, values, "");
        parsed(values, StackConfig.STORES_CONFIG).ifPresent(names -> {
            @SuppressWarnings("unchecked")
            List<String> stores = (List<String>) names;
            stores.forEach(name -> validateStore(name, props, values));
            checkFaultTolerance(stores.size(), values);
            checkErasureCoding(stores.size(), values);
        });
        checkLayers(values);
        checkRetry(values);
        return values;
    }

    private static void validateStore(String name, Map<String, ?> props, Map<String, ConfigValue> values) {
        String prefix = StackConfig.STORE_PREFIX + name + ".";
        Map<String, Object> storeProps = new TreeMap<>();
        props.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                storeProps.put(key.substring(prefix.length()), value);
            }
        });
        Object typeName = storeProps.remove(StackConfig.STORE_TYPE_SUFFIX);
        ConfigValue type = values.computeIfAbsent(prefix + StackConfig.STORE_TYPE_SUFFIX, ConfigValue::new);
        type.value(typeName);
        type.recommendedValues(new ArrayList<>(StoreStack.TYPES.keySet()));
        if (typeName == null || typeName.toString().isBlank()) {
            type.addErrorMessage("set the type of store '" + name + "', one of " + StoreStack.TYPES.keySet());
            return;
        }
        StoreType storeType = StoreStack.TYPES.get(typeName.toString().trim());
        if (storeType == null) {
            type.addErrorMessage("unknown store type '" + typeName + "'; use one of " + StoreStack.TYPES.keySet());
            return;
        }
        ConfigDef typeDef = StackConfig.storeKeys(storeType);
        @SuppressWarnings("unchecked")
        Map<String, String> typeProps = (Map<String, String>) (Map<String, ?>) storeProps;
        Map<String, ConfigValue> typeValues = typeDef.validateAll(typeProps);
        explainMissing(typeDef, typeValues, prefix);
        storeType.validate(name, typeValues);
        typeValues.forEach((key, value) -> values.put(prefix + key, new ConfigValue(prefix + key, value.value(),
                value.recommendedValues(), value.errorMessages().stream()
                        .map(message -> "store '" + name + "': " + message).collect(Collectors.toList()))));
        storeProps.keySet().stream().filter(key -> !typeDef.names().contains(key)).forEach(key -> {
            ConfigValue unknown = values.computeIfAbsent(prefix + key, ConfigValue::new);
            unknown.addErrorMessage("store type '" + storeType.type() + "' has no key '" + key + "' (a typo?); its keys are "
                    + typeDef.names().stream().map(known -> prefix + known).sorted().toList());
        });
    }

    /** Kafka's "missing required configuration" names the key but not what to put there: the doc does. */
    private static void explainMissing(ConfigDef def, Map<String, ConfigValue> values, String prefix) {
        values.replaceAll((key, value) -> {
            ConfigDef.ConfigKey definition = def.configKeys().get(key);
            boolean missing = definition != null && definition.defaultValue == ConfigDef.NO_DEFAULT_VALUE
                    && value.value() == null && !value.errorMessages().isEmpty();
            return missing
                    ? new ConfigValue(key, null, value.recommendedValues(),
                            new ArrayList<>(List.of("missing; set " + prefix + key + ": " + definition.documentation)))
                    : value;
        });
    }

    private static void checkFaultTolerance(int stores, Map<String, ConfigValue> values) {
        parsed(values, StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG).ifPresent(value -> {
            int t = (Integer) value;
            int max = (stores - 1) / 2;
            if (t > max) {
                values.get(StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG).addErrorMessage(("%d stores tolerate at most %d "
                        + "failed: t must be in 0..%d (t < n/2, so any two quorums of n - t stores intersect), or -1 "
                        + "for %d; add stores or lower t").formatted(stores, max, max, max));
            }
        });
    }

    private static void checkErasureCoding(int stores, Map<String, ConfigValue> values) {
        boolean erasure = parsed(values, StackConfig.REPLICATION_CODING_CONFIG).filter("erasure"::equals).isPresent();
        Optional<Object> k = parsed(values, StackConfig.ERASURE_DATA_FRAGMENTS_CONFIG);
        Optional<Object> t = parsed(values, StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG);
        if (!erasure || k.isEmpty() || t.isEmpty()) {
            return;
        }
        int faults = (Integer) t.get() == StackConfig.DEFAULT_REPLICATION_FAULT_TOLERANCE ? (stores - 1) / 2 : (Integer) t.get();
        int max = stores - 2 * faults;
        int fragments = (Integer) k.get();
        if (fragments == 0 || fragments > max) {
            values.get(StackConfig.ERASURE_DATA_FRAGMENTS_CONFIG).addErrorMessage(("with %d stores and t=%d, k must be in "
                    + "1..%d (k <= n - 2t, so a write's and a read's quorums share k fragments), or -1 for %d; "
                    + "lower k or %s, or name more stores").formatted(stores, faults, max, max,
                    StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG));
        }
    }

    private static void checkLayers(Map<String, ConfigValue> values) {
        parsed(values, StackConfig.LAYERS_CONFIG).ifPresent(layers -> {
            if (values.containsKey(StackConfig.ENCRYPTION_KEYSET_CONFIG)) {
                checkKeyset(((List<?>) layers).contains(Layer.ENCRYPTION.configName()), values.get(StackConfig.ENCRYPTION_KEYSET_CONFIG));
            }
        });
        parsed(values, StackConfig.COMPRESSION_LEVEL_CONFIG).ifPresent(level -> parsed(values, StackConfig.COMPRESSION_CODEC_CONFIG)
                .map(codec -> CompressionCodec.forConfigName((String) codec))
                .filter(codec -> (Integer) level < codec.minLevel() || (Integer) level > codec.maxLevel())
                .ifPresent(codec -> values.get(StackConfig.COMPRESSION_LEVEL_CONFIG).addErrorMessage(
                        "codec " + codec.configName() + " takes levels " + StackConfig.levels(codec) + "; change the level or "
                                + "leave it empty for the codec's default")));
    }

    private static void checkRetry(Map<String, ConfigValue> values) {
        parsed(values, StackConfig.RETRY_BACKOFF_INITIAL_MS_CONFIG).ifPresent(initial -> parsed(values,
                StackConfig.RETRY_BACKOFF_MAX_MS_CONFIG)
                .filter(max -> (Long) max < (Long) initial)
                .ifPresent(max -> values.get(StackConfig.RETRY_BACKOFF_MAX_MS_CONFIG).addErrorMessage(
                        "the cap (%d ms) is below %s (%d ms); raise it or lower the initial backoff"
                                .formatted((Long) max, StackConfig.RETRY_BACKOFF_INITIAL_MS_CONFIG, (Long) initial))));
    }

    private static void checkKeyset(boolean encrypting, ConfigValue keyset) {
        Password value = (Password) keyset.value();
        if (!keyset.errorMessages().isEmpty()) {
            return;
        }
        if (encrypting && value == null) {
            keyset.addErrorMessage("layers includes encryption, which needs a keyset; make one with java -cp "
                    + "'<plugin dir>/lib/*' " + KeysetTool.class.getName() + " new aes256-gcm");
        } else if (encrypting) {
            try {
                EncryptionKeyset.parse(value.value());
            } catch (IllegalArgumentException e) {
                keyset.addErrorMessage(e.getMessage());
            }
        } else if (value != null) {
            keyset.addErrorMessage("a keyset is set but layers does not include encryption, so data would be "
                    + "stored unencrypted; add encryption to layers, or remove the keyset");
        }
    }

    /** The parsed value of {@code key}, if it is set and valid. */
    private static Optional<Object> parsed(Map<String, ConfigValue> values, String key) {
        ConfigValue value = values.get(key);
        return value == null || !value.errorMessages().isEmpty() ? Optional.empty() : Optional.ofNullable(value.value());
    }

}
