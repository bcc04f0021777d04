package io.mcst.connector.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BytesFormatTest {
    private final RecordFormat format = RecordFormats.of("bytes", "null");
    private final SegmentKey key = new ArchiveLayout("a").parseSegmentKey(
            new ArchiveLayout("a").segmentKey(new TopicPartition("t", 2), 5, format.extension())).orElseThrow();

    private static SinkRecord value(long offset, Object value) {
        return new SinkRecord("t", 2, null, null, Schema.OPTIONAL_BYTES_SCHEMA, value, offset);
    }

    private byte[] writeEdgeCases() {
        SegmentWriter writer = format.newWriter();
        writer.append(value(5, new byte[] {'a', '\n', 'b'}));
        writer.append(value(6, null));
        writer.append(value(7, new byte[0]));
        writer.append(value(8, java.nio.ByteBuffer.wrap(new byte[] {0, -1})));
        return writer.finish();
    }

    @Test
    void keepsValuesWithNewlinesNullsAndEmptiesApart() {
        List<ArchivedRecord> read = format.read(key, writeEdgeCases());
        assertThat(read).extracting(r -> (byte[]) r.value().value())
                .containsExactly(new byte[] {'a', '\n', 'b'}, null, new byte[0], new byte[] {0, -1});
        assertThat(read).allSatisfy(r -> {
            assertThat(r.partition()).isEqualTo(new TopicPartition("t", 2));
            assertThat(r.offset()).isNull();
            assertThat(r.headers()).isEmpty();
        });
    }

    @Test
    void rejectsEveryTruncationAndTrailingGarbage() {
        byte[] blob = writeEdgeCases();
        for (int length = 0; length < blob.length; length++) {
            byte[] cut = Arrays.copyOf(blob, length);
            assertThatThrownBy(() -> format.read(key, cut)).isInstanceOf(CorruptSegmentException.class)
                    .hasMessageContaining(key.key());
        }
        assertThatThrownBy(() -> format.read(key, Arrays.copyOf(blob, blob.length + 1)))
                .isInstanceOf(CorruptSegmentException.class);
    }

    @Test
    void rejectsADeclaredLengthBeyondTheBlobBeforeAllocatingIt() {
        byte[] blob = java.nio.ByteBuffer.allocate(12).put("MCB1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(1).putInt(Integer.MAX_VALUE - 8).array();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> format.read(key, blob)).isInstanceOf(CorruptSegmentException.class)
                .hasMessageContaining(key.key()).hasMessageContaining("record 0 declares " + (Integer.MAX_VALUE - 8));
        // Allocating first would take 2 GiB (or fail with OutOfMemoryError, not a corrupt segment, on a small heap).
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(1L << 20);
    }

    @Test
    void rejectsValuesThatAreNotBytes() {
        assertThatThrownBy(() -> format.newWriter().append(value(3, "text"))).isInstanceOf(DataException.class)
                .hasMessageContaining("t-2@3");
        assertThatThrownBy(() -> RecordFormats.of("bytes", "zstd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format.codec");
    }
}
