package io.mcst.replication.layers;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.layers.compression.CompressingStore;
import io.mcst.replication.layers.compression.CompressionCodec;
import io.mcst.replication.layers.encryption.EncryptingStore;
import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.replication.layers.encryption.EncryptionKeyset.KeyType;
import io.mcst.replication.layers.integrity.ChecksummingStore;
import io.mcst.replication.layers.metrics.CountingStoreMetrics;
import io.mcst.replication.layers.metrics.MeteredStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Prints the put+get throughput of each layer over a memory store for 1 MiB values, for the record (see
 * target/surefire-reports/*-output.txt). Not a benchmark and asserts no timing: only that values round-trip.
 * -Dlayer.throughput.rounds=N runs longer for steadier figures.
 */
class LayerThroughputTest {
    private static final int VALUE_BYTES = 1024 * 1024;
    private static final int ROUNDS = Integer.getInteger("layer.throughput.rounds", 2);

    @Test
    void printsMegabytesPerSecondPerLayer() {
        EncryptionKeyset aesGcm = EncryptionKeyset.generate(KeyType.AES256_GCM);
        EncryptionKeyset xchacha = EncryptionKeyset.generate(KeyType.XCHACHA20_POLY1305);
        Map<String, UnaryOperator<KeyValueStore>> layers = new LinkedHashMap<>();
        layers.put("memory alone", s -> s);
        layers.put("metrics (counting only)", s -> new MeteredStore(s, new CountingStoreMetrics()));
        layers.put("integrity (SHA-256)", ChecksummingStore::new);
        layers.put("compression zstd-3", s -> new CompressingStore(s, CompressionCodec.ZSTD));
        layers.put("compression gzip-6", s -> new CompressingStore(s, CompressionCodec.GZIP));
        layers.put("encryption AES-256-GCM", s -> new EncryptingStore(s, aesGcm));
        layers.put("encryption XChaCha20-Poly1305", s -> new EncryptingStore(s, xchacha));
        layers.put("zstd+AES-GCM+integrity", s -> new CompressingStore(
                new EncryptingStore(new ChecksummingStore(s), aesGcm), CompressionCodec.ZSTD));

        Map<String, byte[]> data = Map.of("log-like text", logLike(), "random bytes", random());
        StringBuilder table = new StringBuilder("\nput+get of 1 MiB values over memory, MiB/s (" + ROUNDS + " rounds)\n");
        table.append("%-32s %15s %15s%n".formatted("layer", "log-like text", "random bytes"));
        layers.forEach((name, layer) -> {
            table.append("%-32s".formatted(name));
            for (String kind : new String[] {"log-like text", "random bytes"}) {
                table.append(" %15.0f".formatted(measure(layer, data.get(kind))));
            }
            table.append('\n');
        });
        System.out.println(table);
    }

    private static double measure(UnaryOperator<KeyValueStore> layer, byte[] value) {
        try (KeyValueStore store = layer.apply(new MemoryStore("throughput"))) {
            for (int i = 0; i < 2; i++) { // warm-up: let the JIT compile the crypto and codec paths
                roundTrip(store, value, i);
            }
            long start = System.nanoTime();
            boolean allEqual = true;
            for (int i = 0; i < ROUNDS; i++) {
                allEqual &= roundTrip(store, value, i);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(allEqual).as("every value read back byte-exact").isTrue();
            return ROUNDS * (double) value.length / VALUE_BYTES / seconds;
        }
    }

    private static boolean roundTrip(KeyValueStore store, byte[] value, int i) {
        String key = "segment/" + (i % 4);
        store.put(key, value);
        return Arrays.equals(store.get(key).orElseThrow(), value);
    }

    /** Text like an archived topic's: repeated field names, varying numbers and ids; zstd shrinks it ~4-6x. */
    private static byte[] logLike() {
        Random random = new Random(1);
        StringBuilder text = new StringBuilder(VALUE_BYTES + 200);
        while (text.length() < VALUE_BYTES) {
            text.append("{\"ts\":").append(1_700_000_000_000L + random.nextInt(1_000_000))
                    .append(",\"user\":\"u").append(random.nextInt(50_000))
                    .append("\",\"event\":\"").append(random.nextBoolean() ? "click" : "view")
                    .append("\",\"amount\":").append(random.nextInt(100_000) / 100.0).append("}\n");
        }
        byte[] bytes = new byte[VALUE_BYTES];
        System.arraycopy(text.toString().getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, VALUE_BYTES);
        return bytes;
    }

    private static byte[] random() {
        byte[] bytes = new byte[VALUE_BYTES];
        new Random(2).nextBytes(bytes);
        return bytes;
    }
}
