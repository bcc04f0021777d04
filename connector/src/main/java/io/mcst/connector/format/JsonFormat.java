package io.mcst.connector.format;

import io.mcst.connector.SinkRecordPosition;
import io.mcst.connector.archive.SegmentKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

/**
 * {@code format=json}: JSON lines, one document per record value, written by Kafka's own
 * {@link JsonConverter} with schemas disabled and decimals as JSON numbers (so the output is what other
 * Connect tooling produces, not a mapping of our own). Each line ends in {@code \n}; JSON escapes newlines
 * inside strings, so a line is always one document. A null value (tombstone) is the line {@code null}.
 *
 * <p>Fidelity: values only, schemaless. Keys, headers, timestamps, offsets and the Connect schema are not
 * kept; structs read back as maps, integers as 64-bit, bytes as base64 strings. A blob cut inside a line is
 * detected; one cut exactly at a line end is not (JSON lines has no footer): use envelope where that matters.
 */
final class JsonFormat implements RecordFormat {
    private static final int RECORD_OVERHEAD_BYTES = 32;

    private final JsonConverter converter = new JsonConverter();

    JsonFormat() {
        converter.configure(Map.of(
                JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false,
                JsonConverterConfig.DECIMAL_FORMAT_CONFIG, "NUMERIC",
                ConverterConfig.TYPE_CONFIG, ConverterType.VALUE.getName()));
    }

    @Override
    public String name() {
        return RecordFormats.JSON;
    }

    @Override
    public String extension() {
        return "jsonl";
    }

    @Override
    public SegmentWriter newWriter() {
        return new Writer();
    }

    @Override
    public List<ArchivedRecord> read(SegmentKey segment, byte[] blob) {
        List<ArchivedRecord> records = new ArrayList<>();
        int start = 0;
        while (start < blob.length) {
            int end = indexOf(blob, (byte) '\n', start);
            if (end < 0) {
                throw new CorruptSegmentException(segment.key(), "its last line (record " + records.size()
                        + ") does not end in a newline");
            }
            byte[] line = Arrays.copyOfRange(blob, start, end);
            SchemaAndValue value;
            try {
                value = converter.toConnectData(segment.partition().topic(), line);
            } catch (DataException e) {
                throw new CorruptSegmentException(segment.key(), "line " + (records.size() + 1) + " is not JSON", e);
            }
            records.add(ArchivedRecord.valueOnly(segment.partition(), value));
            start = end + 1;
        }
        return records;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private final class Writer implements SegmentWriter {
        private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
        private int count;

        @Override
        public void append(SinkRecord record) {
            byte[] json;
            try {
                json = converter.fromConnectData(record.topic(), record.valueSchema(), record.value());
            } catch (DataException e) {
                throw new DataException("json format cannot write the value of " + SinkRecordPosition.of(record) + ": "
                        + e.getMessage(), e);
            }
            lines.writeBytes(json == null ? "null".getBytes(StandardCharsets.US_ASCII) : json);
            lines.write('\n');
            count++;
        }

        @Override
        public int recordCount() {
            return count;
        }

        @Override
        public long estimatedBytes() {
            return lines.size() + (long) RECORD_OVERHEAD_BYTES * count;
        }

        @Override
        public byte[] finish() {
            return lines.toByteArray();
        }
    }
}
