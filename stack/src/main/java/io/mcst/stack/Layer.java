package io.mcst.stack;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A layer that {@code layers} can name, and where in the stack it goes. */
public enum Layer {
    /** Above replication: values are compressed once, before they fan out to the stores. */
    COMPRESSION("compression"),
    /** Above replication: each cloud sees only ciphertext. */
    ENCRYPTION("encryption"),
    /** Per base store, below replication: a corrupt replica is one failed answer of the quorum and is repaired. */
    INTEGRITY("integrity");

    private final String configName;

    Layer(String configName) {
        this.configName = configName;
    }

    /** The name used in {@code layers}. */
    public String configName() {
        return configName;
    }

    public static Optional<Layer> forConfigName(String name) {
        return Arrays.stream(values()).filter(layer -> layer.configName.equals(name)).findFirst();
    }

    static List<String> configNames() {
        return Arrays.stream(values()).map(Layer::configName).toList();
    }
}
