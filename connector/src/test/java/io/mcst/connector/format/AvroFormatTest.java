package io.mcst.connector.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AvroFormatTest {
    private static final Schema ADDRESS = SchemaBuilder.struct().name("com.example.Address")
            .field("city", Schema.STRING_SCHEMA).build();
    private static final Schema SCHEMA = SchemaBuilder.struct().name("com.example.Order")
            .field("i8", Schema.INT8_SCHEMA)
            .field("i16", Schema.INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA)
            .field("i64", Schema.INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA)
            .field("f64", Schema.FLOAT64_SCHEMA)
            .field("flag", Schema.BOOLEAN_SCHEMA)
            .field("text", Schema.STRING_SCHEMA)
            .field("blob", Schema.BYTES_SCHEMA)
            .field("maybe", Schema.OPTIONAL_STRING_SCHEMA)
            .field("list", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build())
            .field("byName", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build())
            .field("byId", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
            .field("home", ADDRESS)
            .field("work", SchemaBuilder.struct().name("com.example.Address").field("city", Schema.STRING_SCHEMA)
                    .optional().build())
            .field("inner", SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).optional().build())
            .field("price", Decimal.builder(2).build())
            .field("day", Date.SCHEMA)
            .field("at", Time.SCHEMA)
            .field("when", Timestamp.SCHEMA)
            .build();

    private final ArchiveLayout layout = new ArchiveLayout("a");

    private static Struct order(int i) {
        Map<Integer, String> byId = new LinkedHashMap<>();
        byId.put(i, "v" + i);
        return new Struct(SCHEMA)
                .put("i8", (byte) -i).put("i16", (short) (i * 100)).put("i32", i).put("i64", (long) i << 40)
                .put("f32", i / 4f).put("f64", i / 3d).put("flag", i % 2 == 0).put("text", "tëxt " + i)
                .put("blob", new byte[] {(byte) i, 0}).put("maybe", i % 2 == 0 ? null : "odd")
                .put("list", Arrays.asList(1, null, i)).put("byName", Map.of("n", (long) i)).put("byId", byId)
                .put("home", new Struct(ADDRESS).put("city", "Lisbon"))
                .put("work", i % 2 == 0 ? null : new Struct(SCHEMA.field("work").schema()).put("city", "Porto"))
                .put("inner", new Struct(SCHEMA.field("inner").schema()).put("x", i))
                .put("price", new BigDecimal("12.34").add(BigDecimal.valueOf(i)))
                .put("day", new java.util.Date(86_400_000L * (19_000 + i)))
                .put("at", new java.util.Date(3_600_000L + i))
                .put("when", new java.util.Date(1_700_000_000_000L + i));
    }

    private SegmentKey key(RecordFormat format) {
        return layout.parseSegmentKey(layout.segmentKey(new TopicPartition("t", 0), 0, format.extension())).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "deflate", "zstd", "snappy"})
    void roundTripsStructValuesOfEveryType(String codec) {
        RecordFormat format = RecordFormats.of("avro", codec);
        SegmentWriter writer = format.newWriter();
        for (int i = 0; i < 3; i++) {
            writer.append(new SinkRecord("t", 0, null, null, SCHEMA, order(i), i));
        }
        List<ArchivedRecord> read = format.read(key(format), writer.finish());
        assertThat(read).hasSize(3);
        for (int i = 0; i < 3; i++) {
            Struct back = (Struct) read.get(i).value().value();
            Struct expected = order(i);
            for (var field : SCHEMA.fields()) {
                Object actual = back.get(field.name());
                if (actual instanceof Struct struct) {
                    assertThat(struct.toString()).as(field.name()).isEqualTo(String.valueOf(expected.get(field)));
                } else if (actual instanceof byte[] bytes) {
                    assertThat(bytes).isEqualTo((byte[]) expected.get(field));
                } else {
                    assertThat(actual).as(field.name()).isEqualTo(expected.get(field));
                }
            }
            assertThat(back.schema().name()).isEqualTo("com.example.Order");
            assertThat(back.schema().field("maybe").schema().isOptional()).isTrue();
            assertThat(back.schema().field("i8").schema().type()).isEqualTo(Schema.Type.INT8);
            assertThat(back.schema().field("day").schema().name()).isEqualTo(Date.LOGICAL_NAME);
            assertThat(read.get(i).key().value()).isNull();
            assertThat(read.get(i).offset()).isNull();
        }
    }

    @Test
    void aNewSchemaNeedsANewSegment() {
        RecordFormat format = RecordFormats.of("avro", "null");
        SegmentWriter writer = format.newWriter();
        Schema v2 = SchemaBuilder.struct().name("com.example.Order").field("id", Schema.INT32_SCHEMA).build();
        SinkRecord first = new SinkRecord("t", 0, null, null, SCHEMA, order(1), 0);
        assertThat(writer.accepts(first)).isTrue();
        writer.append(first);
        assertThat(writer.accepts(new SinkRecord("t", 0, null, null, SCHEMA, order(2), 1))).isTrue();
        assertThat(writer.accepts(new SinkRecord("t", 0, null, null, v2, new Struct(v2).put("id", 1), 1))).isFalse();
    }

    @Test
    void rejectsWhatAvroCannotHoldAsBadRecords() {
        SegmentWriter writer = RecordFormats.of("avro", "null").newWriter();
        assertThatThrownBy(() -> writer.append(new SinkRecord("t", 0, null, null, SCHEMA, null, 4)))
                .isInstanceOf(DataException.class).hasMessageContaining("tombstone").hasMessageContaining("t-0@4");
        assertThatThrownBy(() -> writer.append(new SinkRecord("t", 0, null, null, null, Map.of("a", 1), 5)))
                .isInstanceOf(DataException.class).hasMessageContaining("no schema");
        Schema badName = SchemaBuilder.struct().field("not-avro", Schema.INT32_SCHEMA).build();
        assertThatThrownBy(() -> writer.append(new SinkRecord("t", 0, null, null, badName, new Struct(badName).put("not-avro", 1), 6)))
                .isInstanceOf(DataException.class).hasMessageContaining("not-avro");
        assertThat(writer.recordCount()).isZero();
    }

    @Test
    void countsTheBytesItWritesForBuffersDecimalsAndOtherTypes() {
        Schema schema = SchemaBuilder.struct().name("com.example.Blob")
                .field("buffer", Schema.BYTES_SCHEMA)
                .field("amount", Decimal.builder(2).build())
                .field("when", Timestamp.SCHEMA)
                .build();
        SegmentWriter writer = RecordFormats.of("avro", "null").newWriter();
        for (int i = 0; i < 4; i++) {
            Struct value = new Struct(schema)
                    .put("buffer", java.nio.ByteBuffer.wrap(new byte[100_000]))
                    .put("amount", new BigDecimal("9".repeat(20_000) + ".99"))
                    .put("when", new java.util.Date(i));
            writer.append(new SinkRecord("t", 0, null, null, schema, value, i));
        }
        long counted = writer.estimatedBytes();
        // max.buffered.bytes holds only if the writer counts what it will write: the records' bytes, all but the
        // container's header (schema and metadata, under 2 KB here).
        assertThat(counted).isBetween(writer.finish().length - 2_000L, 2L * 433_000);
    }

    @Test
    void rejectsATruncatedBlob() {
        RecordFormat format = RecordFormats.of("avro", "deflate");
        SegmentWriter writer = format.newWriter();
        writer.append(new SinkRecord("t", 0, null, null, SCHEMA, order(1), 0));
        byte[] blob = writer.finish();
        for (int length = 0; length < blob.length; length += 7) {
            byte[] cut = Arrays.copyOf(blob, length);
            assertThatThrownBy(() -> format.read(key(format), cut)).isInstanceOf(CorruptSegmentException.class);
        }
    }

    @Test
    void formatsAndCodecsAreCheckedByName() {
        assertThatThrownBy(() -> RecordFormats.of("parquet", "null")).hasMessageContaining("parquet")
                .hasMessageContaining("envelope");
        assertThatThrownBy(() -> RecordFormats.of("avro", "lzma")).hasMessageContaining("lzma");
        assertThat(RecordFormats.forExtension("envelope.avro")).map(RecordFormat::name).contains("envelope");
        assertThat(RecordFormats.forExtension("avro")).map(RecordFormat::name).contains("avro");
        assertThat(RecordFormats.forExtension("jsonl")).map(RecordFormat::name).contains("json");
        assertThat(RecordFormats.forExtension("bin")).map(RecordFormat::name).contains("bytes");
        assertThat(RecordFormats.forExtension("csv")).isEmpty();
    }
}
