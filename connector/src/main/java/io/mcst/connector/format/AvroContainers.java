package io.mcst.connector.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro object container files as the envelope and avro formats write them. The header carries the record
 * count, because a container has no footer: a blob cut at a block boundary would otherwise read as a
 * shorter, valid file.
 */
final class AvroContainers {
    static final String RECORD_COUNT_META = "mcst.record.count";

    private AvroContainers() {}

    /** Writes one datum's Avro binary encoding. */
    @FunctionalInterface
    interface DatumEncoder<T> {
        void encode(T datum, BinaryEncoder encoder) throws IOException;
    }

    /**
     * A container of {@code data}, each written by {@code datumEncoder} in {@code schema}'s binary encoding: what
     * the formats use, encoding records themselves (the envelope) or holding them encoded (avro, so that its
     * memory bound counts the bytes it writes rather than Java objects).
     */
    static <T> byte[] writeEncoded(Schema schema, CodecFactory codec, List<T> data, DatumEncoder<T> datumEncoder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ScratchBuffer datum = new ScratchBuffer();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(datum, null);
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            writer.setCodec(codec);
            writer.setMeta(RECORD_COUNT_META, data.size());
            writer.create(schema, out);
            for (T item : data) {
                datum.reset();
                datumEncoder.encode(item, encoder);
                encoder.flush();
                writer.appendEncoded(datum.contents()); // copies it into the block
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an Avro container in memory", e);
        }
        return out.toByteArray();
    }

    /** One datum's bytes, reused from datum to datum without copying them out. */
    private static final class ScratchBuffer extends ByteArrayOutputStream {
        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    /** The Avro binary encoding of {@code record}, as a container block holds it before compression. */
    static byte[] encode(Schema schema, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an Avro record in memory", e);
        }
        return out.toByteArray();
    }

    /** Every record of the container {@code blob}, checked against the count its header declares. */
    static List<GenericRecord> read(String blobKey, byte[] blob) {
        List<GenericRecord> records = new ArrayList<>();
        long declared;
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(new SeekableByteArrayInput(blob), new GenericDatumReader<>())) {
            declared = reader.getMetaLong(RECORD_COUNT_META);
            while (reader.hasNext()) {
                records.add(reader.next());
            }
        } catch (IOException | RuntimeException e) {
            // Avro reports a bad magic, sync marker or block as IOException or AvroRuntimeException, and a
            // cut block as an EOF somewhere in the decoder: all mean the same to a reader.
            throw new CorruptSegmentException(blobKey, "not a readable Avro container (" + e + ")", e);
        }
        if (declared != records.size()) {
            throw new CorruptSegmentException(blobKey,
                    "header declares " + declared + " records but " + records.size() + " could be read");
        }
        return records;
    }
}
