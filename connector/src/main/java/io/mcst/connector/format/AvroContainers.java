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

    /**
     * A container of records already encoded (by {@link #encode}, or by the envelope format's own encoder): what
     * the formats buffer, so that their memory bound counts the bytes they write rather than Java objects.
     */
    static byte[] writeEncoded(Schema schema, CodecFactory codec, List<byte[]> encodedRecords) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            writer.setCodec(codec);
            writer.setMeta(RECORD_COUNT_META, encodedRecords.size());
            writer.create(schema, out);
            for (byte[] encoded : encodedRecords) {
                writer.appendEncoded(ByteBuffer.wrap(encoded));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an Avro container in memory", e);
        }
        return out.toByteArray();
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
