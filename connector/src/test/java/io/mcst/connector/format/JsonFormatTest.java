package io.mcst.connector.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class JsonFormatTest {
    private final RecordFormat format = RecordFormats.of("json", "null");
    private final ArchiveLayout layout = new ArchiveLayout("a");
    private final SegmentKey key = layout.parseSegmentKey(
            layout.segmentKey(new TopicPartition("t", 0), 0, format.extension())).orElseThrow();
    private final Schema schema = SchemaBuilder.struct().name("Order")
            .field("id", Schema.INT32_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .build();

    private byte[] writeSamples() {
        SegmentWriter writer = format.newWriter();
        writer.append(new SinkRecord("t", 0, null, null, schema,
                new Struct(schema).put("id", 1).put("note", "two\nlines").put("tags", List.of("a", "b")), 0));
        writer.append(new SinkRecord("t", 0, null, null, null, Map.of("schemaless", true), 1));
        writer.append(new SinkRecord("t", 0, null, null, null, null, 2));
        return writer.finish();
    }

    @Test
    void writesOneDocumentPerLineAndReadsBackSchemalessValues() {
        byte[] blob = writeSamples();
        assertThat(new String(blob, StandardCharsets.UTF_8)).isEqualTo(
                "{\"id\":1,\"note\":\"two\\nlines\",\"tags\":[\"a\",\"b\"]}\n{\"schemaless\":true}\nnull\n");
        List<ArchivedRecord> read = format.read(key, blob);
        assertThat(read).extracting(r -> r.value().value()).containsExactly(
                Map.of("id", 1L, "note", "two\nlines", "tags", List.of("a", "b")), Map.of("schemaless", true), null);
        assertThat(read).allSatisfy(r -> assertThat(r.value().schema()).isNull());
    }

    @Test
    void rejectsACutInsideALineAndLinesThatAreNotJson() {
        byte[] blob = writeSamples();
        for (int length = 0; length < blob.length; length++) {
            byte[] cut = Arrays.copyOf(blob, length);
            if (length == 0 || blob[length - 1] == '\n') {
                assertThat(format.read(key, cut)).as("a cut at a line end reads as fewer records (documented)").isNotNull();
            } else {
                assertThatThrownBy(() -> format.read(key, cut)).isInstanceOf(CorruptSegmentException.class)
                        .hasMessageContaining(key.key());
            }
        }
        assertThatThrownBy(() -> format.read(key, "{\"a\":\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptSegmentException.class).hasMessageContaining("line 1");
    }
}
