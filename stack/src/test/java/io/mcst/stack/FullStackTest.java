package io.mcst.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The whole stack as a connector gets it from {@link StoreStack#open}: compression and encryption above
 * replication over memory stores (three unless a subclass says otherwise), each checked by the integrity layer. It passes the store contract,
 * each store holds only ciphertext, and a replica whose bytes rot is outvoted.
 */
class FullStackTest extends AbstractKeyValueStoreTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("FullStackTest");

    private static final String KEYSET = EncryptionKeyset.generate(EncryptionKeyset.KeyType.AES256_GCM).toJson();

    private List<String> storeNames;

    @Override
    protected KeyValueStore createStore() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        storeNames = IntStream.range(0, stores()).mapToObj(i -> "full-" + i + "-" + run).toList();
        Map<String, String> props = new HashMap<>(Map.of(
                "stores", String.join(",", storeNames),
                "layers", "compression,encryption,integrity",
                "encryption.keyset", KEYSET));
        storeNames.forEach(name -> props.put("store." + name + ".type", "memory"));
        props.putAll(replicationProps());
        return StoreStack.open(props, SCOPE);
    }

    protected int stores() {
        return 3;
    }

    /** How the stores are replicated; the default is full replication. */
    protected Map<String, String> replicationProps() {
        return Map.of();
    }

    /** A view of one base store without any layer, as its cloud sees it. */
    private KeyValueStore raw(String name) {
        return new MemoryStoreType().open(name, new AbstractConfig(new ConfigDef(), Map.of(), false));
    }

    @Test
    void everyStoreHoldsOnlyCiphertext() {
        byte[] value = "plaintext that must not reach any cloud; ".repeat(2_000).getBytes(StandardCharsets.UTF_8);
        store.put(key("k"), value);
        int storesWithBlobs = 0;
        for (String name : storeNames) {
            try (KeyValueStore raw = raw(name)) {
                List<String> blobs = raw.list("");
                // A put returns at a quorum; the last store's copy may still be on its way.
                storesWithBlobs += blobs.isEmpty() ? 0 : 1;
                for (String blob : blobs) {
                    String bytes = new String(raw.get(blob).orElseThrow(), StandardCharsets.ISO_8859_1);
                    assertThat(bytes).as("%s at %s", blob, name).doesNotContain("plaintext");
                }
            }
        }
        assertThat(storesWithBlobs).isGreaterThanOrEqualTo(storeNames.size() - 1);
        assertThat(store.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    @Test
    void aReplicaWithRottenBytesIsOutvoted() {
        byte[] value = randomBytes(300 * 1024, 11);
        store.put(key("k"), value);
        try (KeyValueStore raw = raw(storeNames.get(1))) {
            for (String blob : raw.list("")) {
                byte[] bytes = raw.get(blob).orElseThrow();
                bytes[bytes.length - 1] ^= 1;
                raw.put(blob, bytes);
            }
        }
        assertThat(store.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }
}
