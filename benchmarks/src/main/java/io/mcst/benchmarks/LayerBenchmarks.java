package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import io.mcst.replication.layers.compression.CompressingStore;
import io.mcst.replication.layers.compression.CompressionCodec;
import io.mcst.replication.layers.encryption.EncryptingStore;
import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.replication.layers.integrity.ChecksummingStore;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * What the compression, encryption and integrity layers cost, stacked as {@code StoreStack} stacks them
 * (compression and encryption above replication, integrity per store below it): once on CPU alone (one
 * store without latency) and once over three modeled stores, where the network dominates. Values are
 * random bytes, the worst case for compression (it only costs); archive segments of real records compress.
 */
final class LayerBenchmarks {
    private enum Layers { COMPRESSION, ENCRYPTION, INTEGRITY, ALL_THREE }

    private final BenchSettings settings;
    private final ResultsTable table;
    private final EncryptionKeyset keyset = EncryptionKeyset.generate(EncryptionKeyset.KeyType.AES256_GCM);

    LayerBenchmarks(BenchSettings settings, ResultsTable table) {
        this.settings = requireNonNull(settings, "settings");
        this.table = requireNonNull(table, "table");
    }

    void run() {
        ValueLoad cpuOnly = new ValueLoad("1 MiB", ValueLoad.MIB, 2, 4);
        compare("Layer cost on CPU alone (one store, no latency, 1 MiB, 2 callers)", cpuOnly, 1, 0.0);
        compare("Layer cost over n=3 atomic with latency (1 MiB)", ValueLoad.MEDIUM, 3, 1.0);
    }

    private void compare(String section, ValueLoad load, int n, double latencyFactor) {
        if (latencyFactor == 0) {
            // CPU-bound runs: let the JIT compile every layer's code first, or the first figures measure it
            PutGet.measure(() -> stack(null, n, latencyFactor), load, settings.measurement());
            for (Layers layers : Layers.values()) {
                PutGet.measure(() -> stack(layers, n, latencyFactor), load, settings.measurement());
            }
        }
        PutGet bare = PutGet.measure(() -> stack(null, n, latencyFactor), load, settings.measurement());
        bare.noteErrors(table, section + ", no layer");
        for (Layers layers : Layers.values()) {
            PutGet layered = PutGet.measure(() -> stack(layers, n, latencyFactor), load, settings.measurement());
            String label = layers.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            table.add(section, "put MiB/s, " + label, layered.put().mebibytesPerSecond(), "MiB/s",
                    "no layer", bare.put().mebibytesPerSecond());
            table.add(section, "get MiB/s, " + label, layered.get().mebibytesPerSecond(), "MiB/s",
                    "no layer", bare.get().mebibytesPerSecond());
            table.add(section, "put p99, " + label, layered.put().latency().p99Millis(), "ms",
                    "no layer", bare.put().latency().p99Millis());
            layered.noteErrors(table, section + ", " + label);
        }
    }

    /** {@code n} modeled stores, replicated if n > 1, with {@code layers} (none if null) where the stack puts them. */
    private KeyValueStore stack(Layers layers, int n, double latencyFactor) {
        boolean integrity = layers == Layers.INTEGRITY || layers == Layers.ALL_THREE;
        List<KeyValueStore> bases = new ArrayList<>();
        for (String name : Stacks.storeNames("layers", n)) {
            KeyValueStore base = ModeledStoreType.open(name, latencyFactor, 1);
            bases.add(integrity ? new ChecksummingStore(base) : base);
        }
        KeyValueStore store = n == 1 ? bases.get(0)
                : new ReplicatedStore(bases, ReplicationOptions.defaults().withSemantics(Semantics.ATOMIC));
        UnaryOperator<KeyValueStore> compress = s -> new CompressingStore(s, CompressionCodec.ZSTD);
        UnaryOperator<KeyValueStore> encrypt = s -> new EncryptingStore(s, keyset);
        if (layers == Layers.COMPRESSION) {
            return compress.apply(store);
        }
        if (layers == Layers.ENCRYPTION) {
            return encrypt.apply(store);
        }
        if (layers == Layers.ALL_THREE) {
            return compress.apply(encrypt.apply(store)); // compression applies first on write
        }
        return store;
    }
}
