package io.mcst.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SharedStoreViewTest extends AbstractKeyValueStoreTest {
    private static final byte[] VALUE = "kept".getBytes(StandardCharsets.UTF_8);

    @Override
    protected KeyValueStore createStore() {
        return new SharedStoreView(new MemoryStore("shared"));
    }

    @Test
    void closingOneViewLeavesTheSharedDataToTheOthers() {
        MemoryStore shared = new MemoryStore("shared");
        SharedStoreView first = new SharedStoreView(shared);
        SharedStoreView second = new SharedStoreView(shared);
        first.put("k", VALUE);

        first.close();

        assertThatThrownBy(() -> first.get("k"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'shared'");
        assertThatThrownBy(() -> first.put("k", VALUE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> first.remove("k")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> first.list("")).isInstanceOf(IllegalStateException.class);
        assertThat(second.get("k")).hasValue(VALUE);
        assertThat(shared.get("k")).hasValue(VALUE);
    }
}
