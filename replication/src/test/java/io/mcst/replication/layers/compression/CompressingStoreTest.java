package io.mcst.replication.layers.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.memory.MemoryStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The zstd layer over memory passes the store contract; plus what the compression header promises. */
class CompressingStoreTest extends AbstractKeyValueStoreTest {
    private MemoryStore inner;

    @Override
    protected KeyValueStore createStore() {
        inner = new MemoryStore("mem");
        return new CompressingStore(inner, CompressionCodec.ZSTD);
    }

    @Test
    void compressibleValuesShrinkAtTheInnerStore() {
        byte[] value = utf8("the same sentence, again and again. ".repeat(30_000));
        store.put(key("text"), value);
        byte[] stored = inner.get(key("text")).orElseThrow();
        assertThat(stored.length).isLessThan(value.length / 20);
        assertThat(store.get(key("text"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    @Test
    void blobsStayReadableAfterTheCodecChanges() {
        byte[] value = utf8("compress me, compress me, compress me, compress me".repeat(100));
        for (CompressionCodec codec : CompressionCodec.values()) {
            new CompressingStore(inner, codec).put(key(codec.configName()), value);
        }
        for (CompressionCodec reader : CompressionCodec.values()) {
            KeyValueStore layer = new CompressingStore(inner, reader);
            for (CompressionCodec writer : CompressionCodec.values()) {
                assertThat(layer.get(key(writer.configName())))
                        .as("written with %s, read with %s", writer, reader)
                        .hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
            }
        }
        assertThat(inner.get(key("gzip")).orElseThrow()[4]).isEqualTo((byte) 1);
        assertThat(inner.get(key("zstd")).orElseThrow()[4]).isEqualTo((byte) 2);
    }

    @Test
    void incompressibleValuesAreStoredAsTheyAre() {
        byte[] value = randomBytes(64 * 1024, 7);
        store.put(key("random"), value);
        byte[] stored = inner.get(key("random")).orElseThrow();
        assertThat(stored).hasSize(CompressingStore.HEADER_BYTES + value.length);
        assertThat(stored[4]).as("codec id").isEqualTo((byte) 0);
        assertThat(Arrays.copyOfRange(stored, CompressingStore.HEADER_BYTES, stored.length)).isEqualTo(value);
    }

    @Test
    void blobsWrittenWithoutTheLayerAreRejectedNotMisread() {
        inner.put(key("raw"), utf8("plain bytes written by someone else"));
        inner.put(key("short"), new byte[] {'m', 'c'});
        for (String name : new String[] {"raw", "short"}) {
            assertThatThrownBy(() -> store.get(key(name)))
                    .isInstanceOf(StoreCorruptionException.class)
                    .hasMessageContaining("store 'mem'")
                    .hasMessageContaining(key(name))
                    .hasMessageContaining("no compression header");
        }
    }

    @Test
    void unknownCodecIdIsCorruption() {
        store.put(key("k"), utf8("value"));
        byte[] stored = inner.get(key("k")).orElseThrow();
        stored[4] = 9;
        inner.put(key("k"), stored);
        assertThatThrownBy(() -> store.get(key("k")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("codec id 9");
    }

    @Test
    void damagedBodiesFailInsteadOfDecodingToWrongBytes() {
        byte[] value = utf8("a moderately compressible log line with some numbers 12345 67890\n".repeat(2_000));
        for (CompressionCodec codec : new CompressionCodec[] {CompressionCodec.ZSTD, CompressionCodec.GZIP}) {
            KeyValueStore layer = new CompressingStore(inner, codec);
            layer.put(key("k"), value);
            byte[] good = inner.get(key("k")).orElseThrow();
            // Flip one byte at a time over the length field and the whole body. A flip in a field the codec
            // ignores (gzip's mtime, say) may still decode to the right value; wrong bytes are never returned.
            List<Integer> harmless = new ArrayList<>();
            int flips = 0;
            for (int position = 5; position < good.length; position += Math.max(1, good.length / 200), flips++) {
                byte[] damaged = good.clone();
                damaged[position] ^= 0x5a;
                inner.put(key("k"), damaged);
                try {
                    byte[] read = layer.get(key("k")).orElseThrow();
                    assertThat(read).as("%s, byte %d flipped", codec, position).isEqualTo(value);
                    harmless.add(position);
                } catch (StoreCorruptionException expected) {
                    assertThat(expected).hasMessageContaining(key("k"));
                }
            }
            assertThat(harmless).as("%s: flips that still decoded to the value", codec).hasSizeLessThan(flips / 10);
        }
    }

    @Test
    void truncatedBodyIsCorruption() {
        byte[] value = utf8("truncate me ".repeat(1_000));
        store.put(key("k"), value);
        byte[] stored = inner.get(key("k")).orElseThrow();
        inner.put(key("k"), Arrays.copyOf(stored, stored.length - 3));
        assertThatThrownBy(() -> store.get(key("k"))).isInstanceOf(StoreCorruptionException.class);
    }

    @Test
    void levelsOutsideTheCodecsRangeAreRejected() {
        assertThatThrownBy(() -> new CompressingStore(inner, CompressionCodec.GZIP, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..9");
        assertThatThrownBy(() -> new CompressingStore(inner, CompressionCodec.ZSTD, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyLevelRoundTrips() {
        byte[] value = utf8("level test ".repeat(500));
        for (CompressionCodec codec : CompressionCodec.values()) {
            for (int level = codec.minLevel(); level <= codec.maxLevel(); level++) {
                KeyValueStore layer = new CompressingStore(inner, codec, level);
                layer.put(key("k"), value);
                assertThat(layer.get(key("k"))).as("%s level %d", codec, level)
                        .hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
            }
        }
    }
}
