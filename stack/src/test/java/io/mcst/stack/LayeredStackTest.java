package io.mcst.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.Fence;
import io.mcst.replication.FencedException;
import io.mcst.replication.FencedStore;
import io.mcst.replication.layers.compression.CompressingStore;
import io.mcst.replication.layers.compression.CompressionCodec;
import io.mcst.replication.layers.encryption.EncryptingStore;
import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * compression + encryption + integrity built by {@link StoreStack#open} over a memory store pass the store
 * contract, and the bytes at the base store are what the layers promise. The shared memory store, opened
 * directly, shows the raw blobs: per logical key, replication's temporary and eternal keys.
 */
class LayeredStackTest extends AbstractKeyValueStoreTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("LayeredStackTest");

    private static final EncryptionKeyset KEYSET = EncryptionKeyset.generate(EncryptionKeyset.KeyType.AES256_GCM);

    /** The size of replication's blob header (io.mcst.replication.Blob), which the integrity layer wraps. */
    private static final int REPLICATION_HEADER_BYTES = 45;

    private String storeName;

    @Override
    protected KeyValueStore createStore() {
        storeName = "layered-" + UUID.randomUUID();
        return StoreStack.open(Map.of(
                "stores", storeName,
                "store." + storeName + ".type", "memory",
                "layers", "compression,encryption,integrity",
                "encryption.keyset", KEYSET.toJson()), SCOPE);
    }

    private KeyValueStore raw() {
        return new MemoryStoreType().open(storeName, null);
    }

    /** The temporary key replication wrote for {@code logicalKey}: its escaped form + "/t/" + version. */
    private static String temporaryKey(KeyValueStore raw, String logicalKey) {
        return raw.list(logicalKey.replace("/", "%2F") + "/t/").stream().filter(k -> k.endsWith(".v")).findFirst().orElseThrow();
    }

    @Test
    void baseStoreHoldsIntegrityHeaderThenCiphertextOfTheCompressedValue() {
        byte[] value = utf8("confidential and very repetitive. ".repeat(1_000));
        store.put(key("k"), value);
        try (KeyValueStore raw = raw()) {
            byte[] blob = raw.get(temporaryKey(raw, key("k"))).orElseThrow();
            assertThat(Arrays.copyOf(blob, 4)).isEqualTo(new byte[] {'m', 'c', 'i', 1});
            assertThat(new String(blob, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("confidential");
            assertThat(blob.length).as("compressed before encryption").isLessThan(value.length / 10);

            // Peel the layers by hand, in the reverse order of writing: integrity, replication's blob header
            // (MCSR), encryption, compression.
            assertThat(Arrays.copyOfRange(blob, 36, 40)).isEqualTo(new byte[] {'M', 'C', 'S', 'R'});
            byte[] ciphertext = Arrays.copyOfRange(blob, 36 + REPLICATION_HEADER_BYTES, blob.length);
            raw.put(key("peeled"), ciphertext);
            KeyValueStore byHand = new CompressingStore(new EncryptingStore(raw, KEYSET), CompressionCodec.ZSTD);
            assertThatThrownBy(() -> byHand.get(key("peeled")))
                    .as("the key is associated data: the same ciphertext under another key fails")
                    .isInstanceOf(StoreCorruptionException.class);
            raw.put(key("k"), ciphertext);
            assertThat(byHand.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        }
    }

    @Test
    void fencedWritesGoThroughTheLayersAndFenceOffAnOlderHolder() {
        FencedStore stack = (FencedStore) store;
        stack.put(key("index"), utf8("before any takeover"));
        Fence first = stack.takeover(key("index"));
        assertThat(first.value()).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("before any takeover")));
        stack.putFenced(key("segment"), utf8("by the first holder"), first);

        FencedStore other = StoreStack.open(Map.of("stores", storeName, "store." + storeName + ".type", "memory",
                "layers", "compression,encryption,integrity", "encryption.keyset", KEYSET.toJson()), SCOPE);
        try (other) {
            Fence second = other.takeover(key("index"));
            assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
            other.putFenced(key("segment"), utf8("by the second holder"), second);
            assertThatThrownBy(() -> stack.putFenced(key("segment"), utf8("zombie"), first))
                    .isInstanceOf(FencedException.class);
            assertThat(stack.get(key("segment"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("by the second holder")));
        }
    }

    @Test
    void aDamagedBlobAtTheStoreIsCorruptionNamingStoreAndKey() {
        store.put(key("k"), utf8("value"));
        flipLastByteOfEachBlobOf(key("k"));
        // Replication counts a corrupt replica as no answer; with every replica corrupt, no quorum can answer,
        // and waiting will not heal it: a corruption error, never wrong bytes.
        assertThatThrownBy(() -> store.get(key("k")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("hold corrupt data")
                .hasMessageContaining("store '" + storeName + "'")
                .hasMessageContaining("SHA-256");
        flipLastByteOfEachBlobOf(key("k")); // undamaged again, so the test's cleanup can remove it
    }

    private void flipLastByteOfEachBlobOf(String logicalKey) {
        try (KeyValueStore raw = raw()) {
            for (String stored : raw.list(logicalKey.replace("/", "%2F") + "/")) {
                byte[] blob = raw.get(stored).orElseThrow();
                blob[blob.length - 1] ^= 1;
                raw.put(stored, blob);
            }
        }
    }

    @Test
    void eachBaseStoreHasItsMBeanWhileTheStackIsOpen() throws Exception {
        ObjectName mbean = new ObjectName("io.mcst:type=store-metrics,connector=LayeredStackTest,store=" + storeName);
        store.put(key("k"), new byte[1000]);
        store.get(key("k"));
        var jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat((Double) jmx.getAttribute(mbean, "put-total")).as("a temporary and an eternal copy").isEqualTo(2.0);
        assertThat((Double) jmx.getAttribute(mbean, "get-bytes-total"))
                .as("value bytes as replication sees them: compressed and encrypted")
                .isGreaterThan(0.0).isLessThan(1000.0);
        store.close();
        assertThat(jmx.isRegistered(mbean)).isFalse();
    }
}
