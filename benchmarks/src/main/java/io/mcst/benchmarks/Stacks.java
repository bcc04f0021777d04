package io.mcst.benchmarks;

import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stack configurations over {@code modeled} stores, opened through the product's own factory. */
final class Stacks {
    private Stacks() {}

    /** The names of {@code n} stores of one scenario: {@code <scenario>-0} .. {@code <scenario>-(n-1)}. */
    static List<String> storeNames(String scenario, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(scenario + "-" + i);
        }
        return names;
    }

    /**
     * A replicated stack over {@code latencyFactors.length} modeled stores, store i {@code latencyFactors[i]}
     * times slower than a cloud region.
     */
    static Map<String, String> replicated(String scenario, String semantics, double... latencyFactors) {
        Map<String, String> props = new LinkedHashMap<>();
        List<String> names = storeNames(scenario, latencyFactors.length);
        props.put("stores", String.join(",", names));
        for (int i = 0; i < names.size(); i++) {
            props.put("store." + names.get(i) + ".type", "modeled");
            props.put("store." + names.get(i) + "." + ModeledStoreType.LATENCY_FACTOR_CONFIG, Double.toString(latencyFactors[i]));
        }
        props.put("replication.semantics", semantics);
        return props;
    }

    /**
     * A {@link ReplicatedStore} with default options but {@code semantics} (or with {@code options}) over modeled stores named
     * {@code <scenario>-i}, store i {@code latencyFactors[i]} times slower than a cloud region.
     */
    static KeyValueStore replicatedStore(String scenario, Semantics semantics, double... latencyFactors) {
        return replicatedStore(scenario, ReplicationOptions.defaults().withSemantics(semantics), latencyFactors);
    }

    static KeyValueStore replicatedStore(String scenario, ReplicationOptions options, double... latencyFactors) {
        List<String> names = storeNames(scenario, latencyFactors.length);
        List<KeyValueStore> stores = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            stores.add(ModeledStoreType.open(names.get(i), latencyFactors[i], 1));
        }
        return new ReplicatedStore(stores, options);
    }

    /** The bare baseline: one modeled store, no replication code in the path. */
    static KeyValueStore single(String scenario, double latencyFactor) {
        return ModeledStoreType.open(scenario + "-0", latencyFactor, 1);
    }

    static double[] uniform(int n, double latencyFactor) {
        double[] factors = new double[n];
        Arrays.fill(factors, latencyFactor);
        return factors;
    }
}
