package io.mcst.connector.format;

import io.mcst.connector.SinkRecordPosition;
import io.mcst.connector.archive.SegmentKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * {@code format=bytes}: the raw record values, nothing else (no key, headers, timestamp or offset).
 * Length-prefixed rather than newline-delimited, because values are arbitrary bytes that may hold newlines,
 * and because a null value (tombstone) must stay distinct from an empty one.
 *
 * <p>Layout: the magic {@code MCB1}, the record count (int32), then per record its length (int32, -1 for
 * null) and its bytes; big-endian. The count and the exact end make any truncation detectable. Values
 * must be bytes ({@code value.converter=org.apache.kafka.connect.converters.ByteArrayConverter}).
 */
final class BytesFormat implements RecordFormat {
    private static final byte[] MAGIC = "MCB1".getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD_OVERHEAD_BYTES = 32;

    @Override
    public String name() {
        return RecordFormats.BYTES;
    }

    @Override
    public String extension() {
        return "bin";
    }

    @Override
    public SegmentWriter newWriter() {
        return new Writer();
    }

    @Override
    public List<ArchivedRecord> read(SegmentKey segment, byte[] blob) {
        ByteBuffer in = ByteBuffer.wrap(blob);
        List<ArchivedRecord> records = new ArrayList<>();
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptSegmentException(segment.key(), "it does not start with the bytes format's magic");
            }
            int count = in.getInt();
            for (int i = 0; i < count; i++) {
                int length = in.getInt();
                byte[] value = null;
                if (length > in.remaining()) {
                    // Checked before allocating: a corrupt length must not claim up to 2 GiB of heap.
                    throw new CorruptSegmentException(segment.key(), "record " + i + " declares " + length
                            + " bytes but only " + in.remaining() + " follow");
                }
                if (length >= 0) {
                    value = new byte[length];
                    in.get(value);
                } else if (length != -1) {
                    throw new CorruptSegmentException(segment.key(), "record " + i + " has length " + length);
                }
                records.add(ArchivedRecord.valueOnly(segment.partition(),
                        new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, value)));
            }
        } catch (BufferUnderflowException e) {
            throw new CorruptSegmentException(segment.key(), "it ends inside record " + records.size(), e);
        }
        if (in.hasRemaining()) {
            throw new CorruptSegmentException(segment.key(), in.remaining() + " bytes follow the last record");
        }
        return records;
    }

    private static final class Writer implements SegmentWriter {
        private final List<byte[]> values = new ArrayList<>();
        private long estimatedBytes;

        @Override
        public void append(SinkRecord record) {
            Object value = record.value();
            byte[] bytes = RawBytes.of(value, () -> new DataException("bytes format stores byte values, but the "
                    + "value of " + SinkRecordPosition.of(record) + " is a " + value.getClass().getSimpleName()
                    + "; set value.converter=org.apache.kafka.connect.converters.ByteArrayConverter"));
            values.add(bytes);
            estimatedBytes += RECORD_OVERHEAD_BYTES + (bytes == null ? 0 : bytes.length);
        }

        @Override
        public int recordCount() {
            return values.size();
        }

        @Override
        public long estimatedBytes() {
            return estimatedBytes;
        }

        @Override
        public byte[] finish() {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, estimatedBytes));
            try (DataOutputStream out = new DataOutputStream(buffer)) {
                out.write(MAGIC);
                out.writeInt(values.size());
                for (byte[] value : values) {
                    out.writeInt(value == null ? -1 : value.length);
                    if (value != null) {
                        out.write(value);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode a segment in memory", e);
            }
            return buffer.toByteArray();
        }
    }
}
