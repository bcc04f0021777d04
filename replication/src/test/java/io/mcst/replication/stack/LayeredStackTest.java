package io.mcst.replication.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.management.ObjectName;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * compression + encryption + integrity built by {@link StoreStack#open} over a memory store pass the store
 * contract, and the bytes at the base store are what the layers promise.
 */
class LayeredStackTest extends AbstractKeyValueStoreTest {
    private static final EncryptionKeyset KEYSET = EncryptionKeyset.generate(EncryptionKeyset.KeyType.AES256_GCM);

    private String storeName;

    @Override
    protected KeyValueStore createStore() {
        storeName = "layered-" + UUID.randomUUID();
        return StoreStack.open(Map.of(
                "stores", storeName,
                "store." + storeName + ".type", "memory",
                "layers", "compression,encryption,integrity",
                "encryption.keyset", KEYSET.toJson()));
    }

    /** The base store itself, below replication and the per-store layers: the bytes a cloud would hold. */
    private KeyValueStore raw() {
        return new MemoryStoreType().open(storeName, new AbstractConfig(new ConfigDef(), Map.of()));
    }

    @Test
    void baseStoreHoldsOnlyChecksummedCiphertextOfTheCompressedValue() {
        byte[] value = utf8("confidential and very repetitive. ".repeat(1_000));
        store.put(key("k"), value);
        try (KeyValueStore raw = raw()) {
            List<String> blobs = raw.list("");
            assertThat(blobs).as("a temporary and an eternal copy").hasSize(2);
            for (String blobKey : blobs) {
                byte[] blob = raw.get(blobKey).orElseThrow();
                assertThat(Arrays.copyOf(blob, 4)).as("integrity header first").isEqualTo(new byte[] {'m', 'c', 'i', 1});
                assertThat(new String(blob, StandardCharsets.ISO_8859_1)).doesNotContain("confidential");
                assertThat(blob.length).as("compressed before encryption").isLessThan(value.length / 10);
            }
        }
    }

    @Test
    void damagedBlobsAtTheStoreAreCorruptionNamingStoreAndChecksum() {
        store.put(key("k"), utf8("value"));
        try (KeyValueStore raw = raw()) {
            for (String blobKey : raw.list("")) {
                byte[] blob = raw.get(blobKey).orElseThrow();
                blob[blob.length - 1] ^= 1;
                raw.put(blobKey, blob);
            }
        }
        assertThatThrownBy(() -> store.get(key("k")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("store '" + storeName + "'")
                .hasMessageContaining("SHA-256");
        try (KeyValueStore raw = raw()) {
            raw.list("").forEach(raw::remove); // so the contract's clean-up can write its tombstones
        }
    }

    @Test
    void eachBaseStoreHasItsMBeanWhileTheStackIsOpen() throws Exception {
        ObjectName mbean = new ObjectName("io.mcst:type=store-metrics,store=" + storeName);
        store.put(key("k"), new byte[1000]);
        store.get(key("k"));
        var jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat((Double) jmx.getAttribute(mbean, "put-total")).as("a small value's temporary and eternal copies").isEqualTo(2.0);
        assertThat((Double) jmx.getAttribute(mbean, "get-bytes-total"))
                .as("value bytes as replication sees them: compressed and encrypted")
                .isGreaterThan(0.0).isLessThan(1000.0);
        store.close();
        assertThat(jmx.isRegistered(mbean)).isFalse();
    }
}
