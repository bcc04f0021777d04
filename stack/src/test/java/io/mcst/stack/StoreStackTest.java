package io.mcst.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreStackTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("StoreStackTest");

    @TempDir
    Path dir;

    @Test
    void opensAFilesystemStoreAndKeepsItsData() {
        Map<String, String> props = Map.of("stores", "local", "store.local.type", "filesystem", "store.local.path", dir.toString());
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            store.put("a/b", "v".getBytes(StandardCharsets.UTF_8));
        }
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            assertThat(store.get("a/b")).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("v"));
        }
    }

    @Test
    void baseStoresOpenAloneInOrderAndHoldWhatTheReplicatedStackWrote() {
        Map<String, String> props = Map.of("stores", "b-first,b-second", "store.b-first.type", "memory",
                "store.b-second.type", "memory", "layers", "integrity");
        try (KeyValueStore stack = StoreStack.open(props, SCOPE)) {
            stack.put("k", new byte[] {1});
        }
        List<KeyValueStore> stores = StoreStack.openBaseStores(props, SCOPE);
        try {
            assertThat(stores).extracting(KeyValueStore::name).containsExactly("b-first", "b-second");
            // Each holds its replica of "k" (a temporary and an eternal blob), read through its integrity layer.
            for (KeyValueStore store : stores) {
                assertThat(store.list("k/")).hasSize(2).allSatisfy(key -> assertThat(store.get(key)).isPresent());
            }
        } finally {
            stores.forEach(KeyValueStore::close);
        }
        assertThatThrownBy(() -> StoreStack.openBaseStores(Map.of("stores", "x"), SCOPE)).isInstanceOf(ConfigException.class);
    }

    @Test
    void memoryStoresOfOneNameShareDataAcrossStacks() {
        Map<String, String> props = Map.of("stores", "shared-mem-test", "store.shared-mem-test.type", "memory");
        KeyValueStore first = StoreStack.open(props, SCOPE);
        first.put("k", new byte[] {1});
        first.close();
        try (KeyValueStore second = StoreStack.open(props, SCOPE)) {
            assertThat(second.get("k")).hasValueSatisfying(v -> assertThat(v).containsExactly(1));
        }
        assertThatThrownBy(() -> first.get("k")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unknownTypeNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "x", "store.x.type", "floppy"), SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.x.type")
                .hasMessageContaining("filesystem");
    }

    @Test
    void missingTypeNamesTheKey() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "x"), SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.x.type");
    }

    @Test
    void missingPerStoreKeyNamesTheStore() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "x", "store.x.type", "filesystem"), SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store 'x'")
                .hasMessageContaining("path");
    }

    @Test
    void severalStoresAreReplicatedAndSurviveTheLossOfOne() {
        Map<String, String> props = Map.of("stores", "rep-a,rep-b,rep-c",
                "store.rep-a.type", "memory", "store.rep-b.type", "memory", "store.rep-c.type", "memory",
                "replication.semantics", "regular", "replication.inline.max.bytes", "16");
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            assertThat(store.name()).isEqualTo("replicated[rep-a,rep-b,rep-c]");
            store.put("seg/1", "a value longer than sixteen bytes".getBytes(StandardCharsets.UTF_8));
        }
        // A quorum (2 of 3) of the base stores got the temporary key, and a quorum the thin eternal key.
        int blobs = 0;
        for (String name : List.of("rep-a", "rep-b", "rep-c")) {
            try (KeyValueStore raw = new MemoryStoreType().open(name, null)) {
                blobs += raw.list("seg%2F1/").size();
            }
        }
        assertThat(blobs).isGreaterThanOrEqualTo(4);
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            assertThat(store.get("seg/1")).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8))
                    .isEqualTo("a value longer than sixteen bytes"));
        }
    }

    @Test
    void faultToleranceOfHalfTheStoresIsRejectedNamingTheKeyAndTheRange() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "ft-a,ft-b",
                "store.ft-a.type", "memory", "store.ft-b.type", "memory", "replication.fault.tolerance", "1"), SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication.fault.tolerance")
                .hasMessageContaining("tolerate at most 0")
                .hasMessageContaining("0..0");
    }

    @Test
    void negativeInlineLimitIsRejected() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "x", "store.x.type", "memory",
                "replication.inline.max.bytes", "-1"), SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication.inline.max.bytes");
    }

    @Test
    void erasureCodingStoresAFragmentPerStore() {
        Map<String, String> props = new java.util.HashMap<>(Map.of("stores", "ec-a,ec-b,ec-c,ec-d,ec-e",
                "replication.fault.tolerance", "1", "replication.coding", "erasure"));
        List.of("ec-a", "ec-b", "ec-c", "ec-d", "ec-e").forEach(name -> props.put("store." + name + ".type", "memory"));
        byte[] value = new byte[30_000];
        new java.util.Random(4).nextBytes(value);
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            store.put("seg", value);
            assertThat(store.get("seg")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        }
        // k defaults to n - 2t = 3: each store that got the write holds a third of the value.
        try (KeyValueStore raw = new MemoryStoreType().open("ec-a", null)) {
            for (String key : raw.list("seg/t/")) {
                assertThat(raw.get(key).orElseThrow().length).isLessThan(value.length / 3 + 100);
            }
        }
    }

    @Test
    void tooManyDataFragmentsAreRejectedNamingTheKeyAndTheRange() {
        Map<String, String> props = new java.util.HashMap<>(Map.of("stores", "ek-a,ek-b,ek-c,ek-d,ek-e",
                "replication.fault.tolerance", "1", "replication.coding", "erasure", "erasure.data.fragments", "4"));
        List.of("ek-a", "ek-b", "ek-c", "ek-d", "ek-e").forEach(name -> props.put("store." + name + ".type", "memory"));
        assertThatThrownBy(() -> StoreStack.open(props, SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("erasure.data.fragments")
                .hasMessageContaining("1..3");
    }
}
