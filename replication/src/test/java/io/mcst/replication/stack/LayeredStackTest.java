package io.mcst.replication.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.replication.layers.integrity.ChecksummingStore;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.management.ObjectName;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * compression + encryption + integrity built by {@link StoreStack#open} over one memory store pass the store
 * contract, and the bytes at the base store are what the layers promise, whatever the replication layout.
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

    /** The base store itself, as its cloud holds it: no layer, no replication. */
    private KeyValueStore raw() {
        return new MemoryStoreType().open(storeName, new AbstractConfig(new ConfigDef(), Map.of(), false));
    }

    @Test
    void everyBlobAtTheStoreIsChecksummedCiphertextOfTheCompressedValue() {
        byte[] value = utf8("confidential and very repetitive. ".repeat(1_000));
        store.put(key("k"), value);
        try (KeyValueStore raw = raw()) {
            List<String> blobs = raw.list("");
            assertThat(blobs).isNotEmpty();
            long stored = 0;
            for (String blob : blobs) {
                byte[] bytes = raw.get(blob).orElseThrow();
                stored += bytes.length;
                assertThat(Arrays.copyOf(bytes, 4)).as("integrity header of %s", blob).isEqualTo(new byte[] {'m', 'c', 'i', 1});
                assertThat(new ChecksummingStore(raw).get(blob)).as("checksum of %s", blob).isPresent();
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).as(blob).doesNotContain("confidential");
            }
            // Ciphertext does not compress: only compression before encryption makes the blobs this small.
            assertThat(stored).isLessThan(value.length / 10);
        }
        assertThat(store.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    @Test
    void damageAtTheStoreFailsTheReadNamingStoreAndChecksumNeverReturningWrongBytes() {
        store.put(key("k"), utf8("value"));
        try (KeyValueStore raw = raw()) {
            for (String blob : raw.list("")) {
                byte[] bytes = raw.get(blob).orElseThrow();
                bytes[bytes.length - 1] ^= 1;
                raw.put(blob, bytes);
            }
        }
        assertThatThrownBy(() -> store.get(key("k")))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(messages(e)).contains("store '" + storeName + "'").contains("SHA-256"));
        try (KeyValueStore raw = raw()) {
            raw.list("").forEach(raw::remove); // the contract's clean-up could not read the damaged blobs
        }
    }

    @Test
    void eachBaseStoreHasItsMBeanWhileTheStackIsOpen() throws Exception {
        ObjectName mbean = new ObjectName("io.mcst:type=store-metrics,store=" + storeName);
        store.put(key("k"), new byte[1000]);
        store.get(key("k"));
        var jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat((Double) jmx.getAttribute(mbean, "put-total")).isGreaterThanOrEqualTo(1.0);
        assertThat((Double) jmx.getAttribute(mbean, "get-bytes-total"))
                .as("bytes the store returned: compressed and encrypted")
                .isGreaterThan(0.0).isLessThan(1000.0);
        store.close();
        assertThat(jmx.isRegistered(mbean)).isFalse();
    }

    /** The messages of {@code e}, its causes and whatever they suppressed. */
    private static String messages(Throwable e) {
        List<String> messages = new ArrayList<>();
        collect(e, messages);
        return String.join(" | ", messages);
    }

    private static void collect(Throwable e, List<String> messages) {
        if (e == null || messages.size() > 50) {
            return;
        }
        messages.add(e.getMessage());
        for (Throwable suppressed : e.getSuppressed()) {
            collect(suppressed, messages);
        }
        collect(e.getCause(), messages);
    }
}
