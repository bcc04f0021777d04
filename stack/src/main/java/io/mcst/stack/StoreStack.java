package io.mcst.stack;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.FencedStore;
import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import io.mcst.replication.layers.compression.CompressingStore;
import io.mcst.replication.layers.encryption.EncryptingStore;
import io.mcst.replication.layers.integrity.ChecksummingStore;
import io.mcst.replication.layers.health.StoreHealth;
import io.mcst.replication.layers.metrics.MeteredStore;
import io.mcst.replication.layers.metrics.StoreMetrics;
import io.mcst.stores.KeyValueStore;
import io.mcst.replication.layers.retry.RetryingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds the whole store stack from one configuration. From the caller down:
 *
 * <pre>
 *   layers above replication, in the order of {@code layers} (compression, encryption)
 *   replication over the n base stores
 *   per base store: health, metrics, then integrity if {@code layers} names it, then retry
 *   the base store ({@code store.<name>.type})
 * </pre>
 *
 * Health ({@link StoreHealth}) sits above retry, so a failure retry absorbed is no outage, and logs each
 * store's going down and coming back against the replication's quorum; its transitions drive the store's
 * {@code up} metric.
 *
 * Metrics (published by {@link KafkaStoreMetrics}) sit above integrity so a corrupt answer counts as that
 * store's error. Retry sits right on the base store: it retries only transient failures, so a corrupt answer
 * is never retried, only outvoted.
 */
public final class StoreStack {
    /** Every {@link StoreType} registered in {@code META-INF/services}: ours, and any a deployment adds. */
    static final Map<String, StoreType> TYPES = ServiceLoader.load(StoreType.class, StoreType.class.getClassLoader())
            .stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toUnmodifiableMap(StoreType::type, Function.identity()));

    private StoreStack() {}

    /**
     * Opens the stack {@code props} describes, its stores' metrics tagged with {@code scope}; the caller closes
     * it, which closes every store in it. Its writes can be fenced (the sink's, per partition).
     *
     * @throws ConfigException naming every problem of {@code props} at once
     */
    public static FencedStore open(Map<?, ?> props, MetricsScope scope) {
        requireNonNull(scope, "scope");
        StackConfig config = StackConfig.parse(props);
        List<KeyValueStore> stores = new ArrayList<>();
        FencedStore replicated;
        try {
            int n = config.storeNames().size();
            ReplicationOptions options = replicationOptions(config, n);
            StoreHealth health = new StoreHealth(n, options.quorumFor(n));
            for (String name : config.storeNames()) {
                AbstractConfig storeConfig = storeConfig(config, name);
                options = options.withMaxConcurrency(name, storeConfig.getInt(StackConfig.STORE_MAX_CONCURRENCY_SUFFIX));
                KeyValueStore store = TYPES.get(storeType(config, name)).open(name, storeConfig);
                KafkaStoreMetrics metrics = KafkaStoreMetrics.open(scope, store.name());
                stores.add(health.track(wrapPerStore(config, store, metrics), metrics::recordUp));
            }
            replicated = new ReplicatedStore(stores, options);
        } catch (RuntimeException e) {
            stores.forEach(KeyValueStore::close);
            throw e;
        }
        try {
            return wrapAboveReplication(config, replicated);
        } catch (RuntimeException e) {
            replicated.close(); // it owns the stores
            throw e;
        }
    }

    /**
     * The base stores alone, in order, each with its per-store layers (retry, integrity, metrics) but without
     * replication or the layers above it, nor health, which speaks of a quorum: for tools that inspect each
     * store's replicas. The caller closes them.
     *
     * @throws ConfigException naming every problem of {@code props} at once
     */
    public static List<KeyValueStore> openBaseStores(Map<?, ?> props, MetricsScope scope) {
        requireNonNull(scope, "scope");
        StackConfig config = StackConfig.parse(props);
        List<KeyValueStore> stores = new ArrayList<>();
        try {
            for (String name : config.storeNames()) {
                KeyValueStore store = TYPES.get(storeType(config, name)).open(name, storeConfig(config, name));
                stores.add(wrapPerStore(config, store, KafkaStoreMetrics.open(scope, store.name())));
            }
        } catch (RuntimeException e) {
            stores.forEach(KeyValueStore::close);
            throw e;
        }
        return stores;
    }

    /**
     * One {@link ReplicatedStore} over the base stores, also for a single store, so the data layout stays
     * the same when stores are added. {@link StackValidation} already checked the fault tolerance against n.
     */
    private static ReplicationOptions replicationOptions(StackConfig config, int stores) {
        Semantics semantics = Semantics.valueOf(
                config.getString(StackConfig.REPLICATION_SEMANTICS_CONFIG).toUpperCase(Locale.ROOT));
        return ReplicationOptions.defaults()
                .withSemantics(semantics)
                .withFaultTolerance(config.getInt(StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG))
                .withInlineMaxBytes(config.getInt(StackConfig.REPLICATION_INLINE_MAX_BYTES_CONFIG))
                .withDataFragments(config.dataFragments(stores));
    }

    private static KeyValueStore wrapPerStore(StackConfig config, KeyValueStore store, StoreMetrics metrics) {
        KeyValueStore wrapped = new RetryingStore(store, config.retryPolicy());
        if (config.layers().contains(Layer.INTEGRITY)) {
            wrapped = new ChecksummingStore(wrapped);
        }
        return new MeteredStore(wrapped, metrics);
    }

    private static FencedStore wrapAboveReplication(StackConfig config, FencedStore replicated) {
        List<Layer> layers = config.layers();
        FencedStore stack = replicated;
        // The first layer listed applies first on write, so it is the outermost wrapper.
        for (int i = layers.size() - 1; i >= 0; i--) {
            stack = switch (layers.get(i)) {
                case COMPRESSION -> new CompressingStore(stack, config.compressionCodec(), config.compressionLevel());
                case ENCRYPTION -> new EncryptingStore(stack, config.encryptionKeyset());
                case INTEGRITY -> stack; // per store, see wrapPerStore
            };
        }
        return stack;
    }

    private static String storeType(StackConfig config, String name) {
        return config.storeProperties(name).get(StackConfig.STORE_TYPE_SUFFIX).toString().trim();
    }

    /** Store {@code name}'s keys, parsed with those every store takes and its type's. */
    private static AbstractConfig storeConfig(StackConfig config, String name) {
        Map<String, Object> props = config.storeProperties(name);
        props.remove(StackConfig.STORE_TYPE_SUFFIX);
        return new AbstractConfig(StackConfig.storeKeys(TYPES.get(storeType(config, name))), props, false);
    }
}
