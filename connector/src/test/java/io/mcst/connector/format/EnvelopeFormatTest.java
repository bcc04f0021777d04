package io.mcst.connector.format;

import static io.mcst.connector.format.Records.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EnvelopeFormatTest {
    private static final TopicPartition PARTITION = new TopicPartition("orders.v1_eu-west", 4);
    private static final ArchiveLayout LAYOUT = new ArchiveLayout("archive");

    /** Every edge a replay must keep: null vs empty key, value and header value, duplicate headers, all timestamp types. */
    static List<SinkRecord> edgeCases(long firstOffset) {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        List<SinkRecord> records = new ArrayList<>();
        long offset = firstOffset;
        records.add(record(offset++, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), 1000L,
                TimestampType.CREATE_TIME, new ConnectHeaders()));
        records.add(record(offset++, null, "no key".getBytes(StandardCharsets.UTF_8), 1001L, TimestampType.LOG_APPEND_TIME,
                new ConnectHeaders()));
        records.add(record(offset++, "tombstone".getBytes(StandardCharsets.UTF_8), null, 0L, TimestampType.CREATE_TIME,
                new ConnectHeaders()));
        records.add(record(offset++, new byte[0], new byte[0], null, TimestampType.NO_TIMESTAMP_TYPE, new ConnectHeaders()));
        records.add(record(offset++, null, null, -5L, TimestampType.CREATE_TIME, new ConnectHeaders()));
        offset += 7; // offsets need not be contiguous (compaction, transaction markers)
        records.add(record(offset++, binary, binary, Long.MAX_VALUE, TimestampType.CREATE_TIME, new ConnectHeaders()
                .addBytes("dup", new byte[] {1})
                .add("null-value", null, Schema.OPTIONAL_BYTES_SCHEMA)
                .addBytes("dup", new byte[] {2})
                .addBytes("empty", new byte[0])
                .addBytes("ünï/cødé", binary)
                .addBytes("dup", new byte[] {1})));
        return records;
    }

    static SinkRecord record(long offset, byte[] key, byte[] value, Long timestamp, TimestampType type, Headers headers) {
        return new SinkRecord(PARTITION.topic(), PARTITION.partition(), Schema.OPTIONAL_BYTES_SCHEMA, key,
                Schema.OPTIONAL_BYTES_SCHEMA, value, offset, timestamp, type, headers);
    }

    private static SegmentKey keyFor(RecordFormat format, long firstOffset) {
        return LAYOUT.parseSegmentKey(LAYOUT.segmentKey(PARTITION, firstOffset, format.extension())).orElseThrow();
    }

    private static byte[] write(RecordFormat format, List<SinkRecord> records) {
        SegmentWriter writer = format.newWriter();
        records.forEach(writer::append);
        assertThat(writer.recordCount()).isEqualTo(records.size());
        return writer.finish();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "deflate", "zstd", "snappy"})
    void roundTripsEveryRecordByteExact(String codec) {
        RecordFormat format = RecordFormats.of("envelope", codec);
        List<SinkRecord> records = edgeCases(1_000);
        List<ArchivedRecord> read = format.read(keyFor(format, 1_000), write(format, records));
        assertThat(read).hasSameSizeAs(records);
        for (int i = 0; i < records.size(); i++) {
            assertSameBytes(read.get(i), records.get(i));
        }
    }

    /**
     * The writer encodes records itself, for speed: its bytes must be what Avro's generic writer makes of the
     * same record, so any Avro reader reads them. One block (no codec) holds the encodings back to back.
     */
    @Test
    void encodesEachRecordAsAvrosGenericWriterDoes() {
        List<SinkRecord> records = edgeCases(40);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (SinkRecord record : records) {
            expected.writeBytes(AvroContainers.encode(EnvelopeFormat.SCHEMA, generic(record)));
        }
        byte[] blob = write(RecordFormats.of("envelope", "null"), records);
        assertThat(indexOf(blob, expected.toByteArray())).as("the records' generic encoding inside the container")
                .isPositive();
    }

    /** {@code record} as a generic Avro record of the envelope schema, the way Avro's own writer takes it. */
    private static GenericRecord generic(SinkRecord record) {
        List<GenericRecord> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            GenericRecord avroHeader = new GenericData.Record(EnvelopeFormat.HEADER_SCHEMA);
            avroHeader.put("key", header.key());
            avroHeader.put("value", header.value() == null ? null : ByteBuffer.wrap((byte[]) header.value()));
            headers.add(avroHeader);
        }
        GenericRecord envelope = new GenericData.Record(EnvelopeFormat.SCHEMA);
        envelope.put("topic", record.originalTopic());
        envelope.put("partition", record.originalKafkaPartition());
        envelope.put("offset", record.originalKafkaOffset());
        envelope.put("timestamp", record.timestamp());
        envelope.put("timestampType", new GenericData.EnumSymbol(
                EnvelopeFormat.SCHEMA.getField("timestampType").schema(), record.timestampType().name()));
        envelope.put("key", record.key() == null ? null : ByteBuffer.wrap((byte[]) record.key()));
        envelope.put("value", record.value() == null ? null : ByteBuffer.wrap((byte[]) record.value()));
        envelope.put("headers", headers);
        return envelope;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void keepsTheOriginalPositionWhenATransformRenamesTheTopic() {
        SinkRecord original = edgeCases(7).get(0);
        SinkRecord renamed = original.newRecord("renamed", 0, original.keySchema(), original.key(),
                original.valueSchema(), original.value(), original.timestamp());
        RecordFormat format = RecordFormats.of("envelope", "null");
        ArchivedRecord read = format.read(keyFor(format, 7), write(format, List.of(renamed))).get(0);
        assertThat(read.partition()).isEqualTo(PARTITION);
        assertThat(read.offset()).isEqualTo(7);
    }

    @Test
    void rejectsRecordsThatAreNotBytesAndLeavesTheSegmentIntact() {
        RecordFormat format = RecordFormats.of("envelope", "null");
        SegmentWriter writer = format.newWriter();
        writer.append(edgeCases(0).get(0));
        SinkRecord text = new SinkRecord("t", 0, null, null, Schema.STRING_SCHEMA, "text", 1);
        assertThatThrownBy(() -> writer.append(text)).isInstanceOf(DataException.class)
                .hasMessageContaining("t-0@1").hasMessageContaining("ByteArrayConverter");
        SinkRecord header = new SinkRecord("t", 0, null, null, null, null, 2, null, TimestampType.NO_TIMESTAMP_TYPE,
                new ConnectHeaders().addString("h", "text"));
        assertThatThrownBy(() -> writer.append(header)).isInstanceOf(DataException.class).hasMessageContaining("header 'h'");
        Schema structSchema = SchemaBuilder.struct().field("f", Schema.INT32_SCHEMA).build();
        SinkRecord struct = new SinkRecord("t", 0, null, null, structSchema, new Struct(structSchema).put("f", 1), 3);
        assertThatThrownBy(() -> writer.append(struct)).isInstanceOf(DataException.class);
        assertThat(format.read(keyFor(format, 0), writer.finish())).hasSize(1);
    }

    @Test
    void rejectsEveryTruncationNamingTheBlob() {
        RecordFormat format = RecordFormats.of("envelope", "deflate");
        SegmentKey key = keyFor(format, 0);
        byte[] blob = write(format, edgeCases(0));
        for (int length = 0; length < blob.length; length++) {
            byte[] cut = Arrays.copyOf(blob, length);
            assertThatThrownBy(() -> format.read(key, cut)).as("cut at %d of %d", length, blob.length)
                    .isInstanceOf(CorruptSegmentException.class).hasMessageContaining(key.key());
        }
    }

    @Test
    void rejectsACutAtABlockBoundary() {
        // Enough records for several 64 KiB blocks; a cut right after a block's sync marker leaves a
        // well-formed, shorter container that only the record count in the header exposes.
        RecordFormat format = RecordFormats.of("envelope", "null");
        Random random = new Random(7);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] value = new byte[100];
            random.nextBytes(value);
            records.add(record(i, null, value, (long) i, TimestampType.CREATE_TIME, new ConnectHeaders()));
        }
        byte[] blob = write(format, records);
        byte[] sync = Arrays.copyOfRange(blob, blob.length - 16, blob.length);
        List<Integer> blockEnds = new ArrayList<>();
        for (int i = 0; i + 16 < blob.length; i++) {
            if (Arrays.equals(blob, i, i + 16, sync, 0, 16)) {
                blockEnds.add(i + 16);
            }
        }
        assertThat(blockEnds).as("header end plus inner block ends").hasSizeGreaterThan(2);
        SegmentKey key = keyFor(format, 0);
        for (int end : blockEnds) {
            assertThatThrownBy(() -> format.read(key, Arrays.copyOf(blob, end)))
                    .isInstanceOf(CorruptSegmentException.class).hasMessageContaining("declares 2000 records");
        }
        assertThat(format.read(key, blob)).hasSize(2_000);
    }

    @Test
    void rejectsABlobFiledUnderTheWrongKey() {
        RecordFormat format = RecordFormats.of("envelope", "null");
        byte[] blob = write(format, edgeCases(10));
        assertThatThrownBy(() -> format.read(keyFor(format, 11), blob)).isInstanceOf(CorruptSegmentException.class)
                .hasMessageContaining("not the offset in its key");
        assertThatThrownBy(() -> format.read(keyFor(format, 10), "not avro".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptSegmentException.class);
    }
}
