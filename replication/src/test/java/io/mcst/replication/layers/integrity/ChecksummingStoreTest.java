package io.mcst.replication.layers.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.memory.MemoryStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The integrity layer over memory passes the store contract, and any damage below it is an error, never data. */
class ChecksummingStoreTest extends AbstractKeyValueStoreTest {
    private MemoryStore inner;

    @Override
    protected KeyValueStore createStore() {
        inner = new MemoryStore("aws");
        return new ChecksummingStore(inner);
    }

    @Test
    void everySingleByteFlipIsDetected() {
        byte[] value = randomBytes(300, 3);
        store.put(key("k"), value);
        byte[] good = inner.get(key("k")).orElseThrow();
        assertThat(good).hasSize(ChecksummingStore.HEADER_BYTES + value.length);
        for (int position = 0; position < good.length; position++) {
            byte[] damaged = good.clone();
            damaged[position] ^= 1;
            inner.put(key("k"), damaged);
            int at = position;
            assertThatThrownBy(() -> store.get(key("k")))
                    .as("bit flipped in byte %d", at)
                    .isInstanceOf(StoreCorruptionException.class)
                    .hasMessageContaining("store 'aws'")
                    .hasMessageContaining("blob '" + key("k") + "'");
        }
    }

    @Test
    void truncatedAndExtendedBlobsAreDetected() {
        store.put(key("k"), utf8("some value"));
        byte[] good = inner.get(key("k")).orElseThrow();
        for (byte[] damaged : new byte[][] {
                Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1), Arrays.copyOf(good, 10), new byte[0]}) {
            inner.put(key("k"), damaged);
            assertThatThrownBy(() -> store.get(key("k"))).isInstanceOf(StoreCorruptionException.class);
        }
    }

    @Test
    void emptyValueIsProtectedToo() {
        store.put(key("empty"), new byte[0]);
        byte[] good = inner.get(key("empty")).orElseThrow();
        byte[] extended = Arrays.copyOf(good, good.length + 1);
        inner.put(key("empty"), extended);
        assertThatThrownBy(() -> store.get(key("empty"))).isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("SHA-256");
    }

    @Test
    void aBlobFiledUnderAnotherKeyIsDetected() {
        store.put(key("a"), utf8("value of a"));
        inner.put(key("b"), inner.get(key("a")).orElseThrow());
        assertThatThrownBy(() -> store.get(key("b")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("under another key");
    }

    @Test
    void blobsWithoutTheHeaderAreRejected() {
        inner.put(key("raw"), utf8("written without the integrity layer, long enough to hold a header"));
        assertThatThrownBy(() -> store.get(key("raw")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("no integrity header");
    }

    @Test
    void missingKeysStayMissing() {
        assertThat(store.get(key("never"))).isEmpty();
    }
}
