package io.mcst.connector.format;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.SinkRecordPosition;
import io.mcst.connector.archive.SegmentKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * {@code format=avro}: an Avro container of the record values, their Connect schema mapped to Avro by
 * {@link AvroData} (no schema registry). A container has one schema, so a record whose value schema differs
 * from the segment's starts a new segment.
 *
 * <p>Fidelity: the value and its schema (see {@link AvroData}). Keys, headers, timestamps and offsets are
 * not kept. A value without a schema (schemaless converter) or a null value (tombstone) cannot be written
 * and is a bad record. Reads back as Connect data with the mapped schema.
 */
final class AvroFormat implements RecordFormat {
    /** Per-record bookkeeping beyond its encoded bytes (the array and the list slot). */
    private static final int RECORD_OVERHEAD_BYTES = 32;

    private final CodecFactory codec;

    AvroFormat(CodecFactory codec) {
        this.codec = requireNonNull(codec, "codec");
    }

    @Override
    public String name() {
        return RecordFormats.AVRO;
    }

    @Override
    public String extension() {
        return "avro";
    }

    @Override
    public SegmentWriter newWriter() {
        return new Writer();
    }

    @Override
    public List<ArchivedRecord> read(SegmentKey segment, byte[] blob) {
        List<GenericRecord> records = AvroContainers.read(segment.key(), blob);
        List<ArchivedRecord> result = new ArrayList<>(records.size());
        Schema schema = null;
        for (GenericRecord record : records) {
            try {
                if (schema == null) {
                    schema = AvroData.toConnectSchema(record.getSchema());
                }
                result.add(ArchivedRecord.valueOnly(segment.partition(),
                        new SchemaAndValue(schema, AvroData.toConnectValue(schema, record))));
            } catch (DataException | ClassCastException e) {
                throw new CorruptSegmentException(segment.key(), "its records do not map back to Connect data", e);
            }
        }
        return result;
    }

    private final class Writer implements SegmentWriter {
        private final List<byte[]> records = new ArrayList<>();
        private Schema connectSchema;
        private org.apache.avro.Schema avroSchema;
        private long estimatedBytes;

        @Override
        public boolean accepts(SinkRecord record) {
            return connectSchema == null || connectSchema.equals(record.valueSchema());
        }

        @Override
        public void append(SinkRecord record) {
            Schema schema = record.valueSchema();
            String where = SinkRecordPosition.of(record);
            if (schema == null || schema.type() != Schema.Type.STRUCT) {
                throw new DataException("avro format writes struct values with a schema, but the value of " + where
                        + (schema == null ? " has no schema (use a converter with schemas)" : " is a " + schema.type()));
            }
            if (record.value() == null) {
                throw new DataException("avro format cannot store the null value (tombstone) of " + where
                        + "; use format=envelope to archive tombstones");
            }
            if (connectSchema != null && !connectSchema.equals(schema)) {
                throw new IllegalStateException("a segment holds one schema; check accepts() first");
            }
            org.apache.avro.Schema avro = avroSchema != null ? avroSchema : mapSchema(schema, where);
            GenericRecord datum;
            try {
                datum = (GenericRecord) AvroData.toAvroValue(schema, avro, record.value());
            } catch (DataException | ClassCastException e) {
                throw new DataException("avro format cannot map the value of " + where + ": " + e.getMessage(), e);
            }
            byte[] encoded;
            try {
                encoded = AvroContainers.encode(avro, datum);
            } catch (RuntimeException e) { // Avro rejects data its schema cannot hold with assorted runtime errors
                throw new DataException("avro format cannot encode the value of " + where + ": " + e.getMessage(), e);
            }
            // Held encoded: the memory bound then counts exactly the bytes the segment will hold.
            records.add(encoded);
            connectSchema = schema;
            avroSchema = avro;
            estimatedBytes += RECORD_OVERHEAD_BYTES + encoded.length;
        }

        private org.apache.avro.Schema mapSchema(Schema schema, String where) {
            try {
                return AvroData.toAvroSchema(schema);
            } catch (DataException e) {
                throw new DataException("avro format cannot map the schema of " + where + ": " + e.getMessage(), e);
            }
        }

        @Override
        public int recordCount() {
            return records.size();
        }

        @Override
        public long estimatedBytes() {
            return estimatedBytes;
        }

        @Override
        public byte[] finish() {
            if (records.isEmpty()) {
                throw new IllegalStateException("an empty avro segment has no schema to write");
            }
            return AvroContainers.writeEncoded(avroSchema, codec, records, (encoded, encoder) -> encoder.writeFixed(encoded));
        }
    }
}
