package io.mcst.replication.stack;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The storage vocabulary shared by the connectors, the CLI and the demo: which stores, how they are
 * replicated, which layers sit on top. Per-store keys ({@code store.<name>.*}) depend on each store's type
 * and are defined by its {@link StoreType}.
 */
public final class StackConfig extends AbstractConfig {
    public static final String STORES_CONFIG = "stores";
    public static final String STORE_PREFIX = "store.";
    public static final String STORE_TYPE_SUFFIX = "type";

    public static final String REPLICATION_SEMANTICS_CONFIG = "replication.semantics";
    public static final String DEFAULT_REPLICATION_SEMANTICS = "atomic";
    public static final String REPLICATION_FAULT_TOLERANCE_CONFIG = "replication.fault.tolerance";
    /** -1 stands for the largest tolerance n stores allow, floor((n-1)/2). */
    public static final int DEFAULT_REPLICATION_FAULT_TOLERANCE = -1;

    public static final String REPLICATION_INLINE_MAX_BYTES_CONFIG = "replication.inline.max.bytes";
    public static final int DEFAULT_REPLICATION_INLINE_MAX_BYTES = 64 * 1024;

    public static final String LAYERS_CONFIG = "layers";

    private static final String GROUP = "Storage";

    public static final ConfigDef CONFIG_DEF = define(new ConfigDef());

    public StackConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    /** Adds the storage vocabulary to {@code def}, so a connector's config carries it. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(STORES_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, nonEmptyNames(), Importance.HIGH,
                        "Names of the base stores (clouds), in order, e.g. aws,azure,gcs. Each needs "
                                + "store.<name>.type and that type's keys below store.<name>.",
                        GROUP, ++order, ConfigDef.Width.LONG, "Stores")
                .define(REPLICATION_SEMANTICS_CONFIG, Type.STRING, DEFAULT_REPLICATION_SEMANTICS,
                        ConfigDef.ValidString.in("atomic", "regular"), Importance.MEDIUM,
                        "atomic: reads never go back in time, even across clients (a read writes back what it "
                                + "returns). regular: cheaper reads that never write; a read concurrent with a "
                                + "write may return the old or the new value.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Replication semantics")
                .define(REPLICATION_FAULT_TOLERANCE_CONFIG, Type.INT, DEFAULT_REPLICATION_FAULT_TOLERANCE,
                        ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                        "t: how many stores may fail while every operation still completes; operations wait for "
                                + "n - t answers. Must be below n/2. -1 means floor((n-1)/2).",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Fault tolerance")
                .define(REPLICATION_INLINE_MAX_BYTES_CONFIG, Type.INT, DEFAULT_REPLICATION_INLINE_MAX_BYTES,
                        ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Values up to this size are stored twice per store (a temporary and an eternal copy), so "
                                + "most reads take one round; larger values once, with a small timestamp record "
                                + "as the eternal copy, halving upload bandwidth and storage for segments.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Inline value limit")
                .define(LAYERS_CONFIG, Type.LIST, List.of(), Importance.MEDIUM,
                        "Layers above replication, in the order they apply on write.",
                        GROUP, ++order, ConfigDef.Width.LONG, "Layers");
    }

    public List<String> storeNames() {
        return getList(STORES_CONFIG);
    }

    /** The keys of store {@code name}, without their {@code store.<name>.} prefix. */
    public Map<String, Object> storeProperties(String name) {
        return originalsWithPrefix(STORE_PREFIX + name + ".");
    }

    private static ConfigDef.Validator nonEmptyNames() {
        return (key, value) -> {
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) value;
            if (names == null || names.isEmpty()) {
                throw new ConfigException(key, value, "name at least one store, e.g. stores=local");
            }
            if (names.stream().distinct().count() != names.size()) {
                throw new ConfigException(key, value, "store names must be distinct");
            }
            for (String name : names) {
                if (!name.matches("[A-Za-z0-9_-]+")) {
                    throw new ConfigException(key, value, "store name '" + name + "' may use only letters, digits, '_' and '-'");
                }
            }
        };
    }
}
