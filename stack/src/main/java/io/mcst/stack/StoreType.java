package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

/**
 * One kind of base store ({@code store.<name>.type}): the keys it takes below {@code store.<name>.} and how
 * to open it. Implementations touch their cloud SDK only in {@link #open}, so a stack that does not use a
 * cloud never loads its classes.
 */
public interface StoreType {
    /** The value of {@code store.<name>.type} that selects this kind, e.g. {@code s3}. */
    String type();

    /**
     * The keys of one store of this kind, relative to {@code store.<name>.}, besides those every store takes
     * ({@link StackConfig#storeKeys}).
     */
    ConfigDef configDef();

    /**
     * Checks the rules that span this kind's keys (which ConfigDef validates one at a time), adding an error
     * to the {@code values} (keyed relative to {@code store.<name>.}) of a bad combination that names every key
     * in it. Runs at validate time and before {@link #open}, so {@code open} may rely on it.
     */
    default void validate(String storeName, Map<String, ConfigValue> values) {}

    /**
     * Opens the store named {@code storeName}, configured by {@code config} (parsed with {@link StackConfig#storeKeys}),
     * its HTTP connection pool, if any, sized to {@link StackConfig#STORE_MAX_CONCURRENCY_SUFFIX}.
     */
    KeyValueStore open(String storeName, AbstractConfig config);
}
