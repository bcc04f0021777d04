package io.mcst.connector.format;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.SinkRecordPosition;
import io.mcst.connector.archive.SegmentKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema.Type;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * {@code format=envelope} (the default): an Avro container of whole Kafka records, everything a replay
 * needs to be byte-exact: topic, partition, offset, timestamp and its type, key bytes, value bytes, and
 * headers in order with duplicates, each of key, value and header value able to be null (distinct from
 * empty).
 *
 * <p>It stores bytes, so the connector must see the bytes Kafka holds: run it with
 * {@code key.converter}, {@code value.converter} and {@code header.converter} set to
 * {@code org.apache.kafka.connect.converters.ByteArrayConverter}. A record whose key, value or a header
 * value is not bytes is rejected as a bad record. Position fields come from the record's original topic,
 * partition and offset, so a transform that renames the topic does not change what is archived where.
 */
final class EnvelopeFormat implements RecordFormat {
    static final Schema HEADER_SCHEMA = SchemaBuilder.record("Header").namespace("io.mcst.archive").fields()
            .requiredString("key")
            .optionalBytes("value")
            .endRecord();
    static final Schema SCHEMA = SchemaBuilder.record("KafkaRecord").namespace("io.mcst.archive")
            .doc("One Kafka record as the Multi-cloud Storage Toolkit archives it")
            .fields()
            .requiredString("topic")
            .requiredInt("partition")
            .requiredLong("offset")
            .optionalLong("timestamp")
            .name("timestampType").type().enumeration("TimestampType").namespace("io.mcst.archive")
            .symbols(names(TimestampType.values())).noDefault()
            .optionalBytes("key")
            .optionalBytes("value")
            .name("headers").type().array().items(HEADER_SCHEMA).noDefault()
            .endRecord();
    private static final Schema TIMESTAMP_TYPE_SCHEMA = SCHEMA.getField("timestampType").schema();
    /** Per-record bookkeeping beyond its bytes: the entry, its header lists, its slot in the list. */
    private static final int RECORD_OVERHEAD_BYTES = 160;
    /** Per-header bookkeeping beyond its key's characters and its value's bytes. */
    private static final int HEADER_OVERHEAD_BYTES = 64;

    private final CodecFactory codec;

    EnvelopeFormat(CodecFactory codec) {
        this.codec = requireNonNull(codec, "codec");
    }

    @Override
    public String name() {
        return RecordFormats.ENVELOPE;
    }

    @Override
    public String extension() {
        return "envelope.avro";
    }

    @Override
    public SegmentWriter newWriter() {
        return new Writer();
    }

    @Override
    public List<ArchivedRecord> read(SegmentKey segment, byte[] blob) {
        List<GenericRecord> records = AvroContainers.read(segment.key(), blob);
        List<ArchivedRecord> result = new ArrayList<>(records.size());
        for (GenericRecord record : records) {
            if (!SCHEMA.getFullName().equals(record.getSchema().getFullName())) {
                throw new CorruptSegmentException(segment.key(), "holds " + record.getSchema().getFullName()
                        + " records, not envelopes");
            }
            result.add(toArchived(record));
        }
        if (!result.isEmpty() && result.get(0).offset() != segment.firstOffset()) {
            throw new CorruptSegmentException(segment.key(), "its first record has offset "
                    + result.get(0).offset() + ", not the offset in its key");
        }
        return result;
    }

    private static ArchivedRecord toArchived(GenericRecord record) {
        ConnectHeaders connectHeaders = new ConnectHeaders();
        for (Object item : (List<?>) record.get("headers")) {
            GenericRecord header = (GenericRecord) item;
            SchemaAndValue value = bytes(header.get("value"));
            connectHeaders.add(header.get("key").toString(), value);
        }
        List<Header> headers = new ArrayList<>();
        connectHeaders.forEach(headers::add);
        return new ArchivedRecord(
                new TopicPartition(record.get("topic").toString(), (Integer) record.get("partition")),
                (Long) record.get("offset"),
                (Long) record.get("timestamp"),
                TimestampType.valueOf(record.get("timestampType").toString()),
                bytes(record.get("key")),
                bytes(record.get("value")),
                headers);
    }

    private static SchemaAndValue bytes(Object avroBytes) {
        if (avroBytes == null) {
            return new SchemaAndValue(org.apache.kafka.connect.data.Schema.OPTIONAL_BYTES_SCHEMA, null);
        }
        return new SchemaAndValue(org.apache.kafka.connect.data.Schema.OPTIONAL_BYTES_SCHEMA,
                RawBytes.copyOf((ByteBuffer) avroBytes));
    }

    private static String[] names(TimestampType[] types) {
        String[] names = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            names[i] = types[i].name();
        }
        return names;
    }

    /**
     * Checks each record as it is appended and holds it by reference (the converter's byte arrays, not copies);
     * {@link #finish} encodes them, field by field in {@link #SCHEMA}'s order, as Avro's generic writer would (the
     * format test holds it to that, byte for byte) but without a generic record per record. The sink calls
     * {@code finish} on an upload thread, so encoding does not hold up the task thread.
     */
    private final class Writer implements SegmentWriter {
        private final List<Entry> entries = new ArrayList<>();
        private long estimatedBytes;

        @Override
        public void append(SinkRecord record) {
            byte[] key = bytesOf(record, "key", record.keySchema(), record.key());
            byte[] value = bytesOf(record, "value", record.valueSchema(), record.value());
            List<HeaderEntry> headers = new ArrayList<>();
            long size = RECORD_OVERHEAD_BYTES + length(key) + length(value);
            for (Header header : record.headers()) { // all checked before anything is kept
                byte[] headerValue = bytesOf(record, "header '" + header.key() + "'", header.schema(), header.value());
                headers.add(new HeaderEntry(header.key(), headerValue));
                size += HEADER_OVERHEAD_BYTES + 2L * header.key().length() + length(headerValue);
            }
            entries.add(new Entry(record.originalTopic(), record.originalKafkaPartition(), record.originalKafkaOffset(),
                    record.timestamp(), record.timestampType(), key, value, headers));
            estimatedBytes += size;
        }

        @Override
        public int recordCount() {
            return entries.size();
        }

        @Override
        public long estimatedBytes() {
            return estimatedBytes;
        }

        @Override
        public byte[] finish() {
            return AvroContainers.writeEncoded(SCHEMA, codec, entries, EnvelopeFormat::encode);
        }
    }

    /** One record as appended: checked, its bytes held by reference until the segment is encoded. */
    private record Entry(String topic, int partition, long offset, Long timestamp, TimestampType timestampType,
            byte[] key, byte[] value, List<HeaderEntry> headers) {}

    /** One header of an appended record, in order; duplicates stay. */
    private record HeaderEntry(String key, byte[] value) {}

    private static void encode(Entry entry, BinaryEncoder encoder) throws IOException {
        encoder.writeString(entry.topic());
        encoder.writeInt(entry.partition());
        encoder.writeLong(entry.offset());
        if (entry.timestamp() == null) {
            encoder.writeIndex(0);
        } else {
            encoder.writeIndex(1);
            encoder.writeLong(entry.timestamp());
        }
        encoder.writeEnum(TIMESTAMP_TYPE_SCHEMA.getEnumOrdinal(entry.timestampType().name()));
        writeOptionalBytes(entry.key(), encoder);
        writeOptionalBytes(entry.value(), encoder);
        encoder.writeArrayStart();
        encoder.setItemCount(entry.headers().size());
        for (HeaderEntry header : entry.headers()) {
            encoder.startItem();
            encoder.writeString(header.key());
            writeOptionalBytes(header.value(), encoder);
        }
        encoder.writeArrayEnd();
    }

    private static void writeOptionalBytes(byte[] bytes, BinaryEncoder encoder) throws IOException {
        if (bytes == null) {
            encoder.writeIndex(0);
        } else {
            encoder.writeIndex(1);
            encoder.writeBytes(bytes);
        }
    }

    private static byte[] bytesOf(SinkRecord record, String what, org.apache.kafka.connect.data.Schema schema, Object data) {
        return RawBytes.of(data, () -> {
            String type = schema == null ? data.getClass().getSimpleName() : schema.type().toString();
            return new DataException("envelope format stores bytes, but the " + what + " of "
                    + SinkRecordPosition.of(record) + " is " + type
                    + (schema != null && schema.type() == Type.BYTES ? "" : "; set key.converter, value.converter and "
                            + "header.converter to org.apache.kafka.connect.converters.ByteArrayConverter"));
        });
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
