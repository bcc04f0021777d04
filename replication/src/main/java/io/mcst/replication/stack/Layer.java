package io.mcst.replication.stack;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A layer that {@code layers} can name, and where in the stack it goes. */
public enum Layer {
    /** Above replication: values are compressed once, before they fan out to the stores. */
    COMPRESSION("compression", false),
    /** Above replication: each cloud sees only ciphertext. */
    ENCRYPTION("encryption", false),
    /** Per base store, below replication: a corrupt replica is one failed answer of the quorum and is repaired. */
    INTEGRITY("integrity", true);

    private final String configName;
    private final boolean perStore;

    Layer(String configName, boolean perStore) {
        this.configName = configName;
        this.perStore = perStore;
    }

    /** The name used in {@code layers}. */
    public String configName() {
        return configName;
    }

    /** Whether the layer wraps each base store (below replication) rather than the replicated store. */
    public boolean perStore() {
        return perStore;
    }

    public static Optional<Layer> forConfigName(String name) {
        return Arrays.stream(values()).filter(layer -> layer.configName.equals(name)).findFirst();
    }

    static List<String> configNames() {
        return Arrays.stream(values()).map(Layer::configName).toList();
    }
}
