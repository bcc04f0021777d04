package io.mcst.replication.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreStackTest {
    @TempDir
    Path dir;

    @Test
    void opensAFilesystemStoreAndKeepsItsData() {
        Map<String, String> props = Map.of("stores", "local", "store.local.type", "filesystem", "store.local.path", dir.toString());
        try (KeyValueStore store = StoreStack.open(props)) {
            store.put("a/b", "v".getBytes(StandardCharsets.UTF_8));
        }
        try (KeyValueStore store = StoreStack.open(props)) {
            assertThat(store.get("a/b")).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("v"));
        }
    }

    @Test
    void memoryStoresOfOneNameShareDataAcrossStacks() {
        Map<String, String> props = Map.of("stores", "shared-mem-test", "store.shared-mem-test.type", "memory");
        KeyValueStore first = StoreStack.open(props);
        first.put("k", new byte[] {1});
        first.close();
        try (KeyValueStore second = StoreStack.open(props)) {
            assertThat(second.get("k")).hasValueSatisfying(v -> assertThat(v).containsExactly(1));
        }
        assertThatThrownBy(() -> first.get("k")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unknownTypeNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "x", "store.x.type", "floppy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.x.type")
                .hasMessageContaining("filesystem");
    }

    @Test
    void missingTypeNamesTheKey() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.x.type");
    }

    @Test
    void missingPerStoreKeyNamesTheStore() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "x", "store.x.type", "filesystem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store 'x'")
                .hasMessageContaining("path");
    }
}
