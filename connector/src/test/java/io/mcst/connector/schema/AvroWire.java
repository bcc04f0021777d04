package io.mcst.connector.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/** What a registry's Avro serializer writes and its deserializer reads, with plain Avro: magic byte, id, datum. */
public final class AvroWire {
    private AvroWire() {}

    public static byte[] encode(int id, GenericRecord datum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            Encoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(datum.getSchema()).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes {@code bytes} with {@code schema}, which the caller looked up by the id the bytes carry. */
    public static GenericRecord decode(byte[] bytes, Schema schema) {
        byte[] datum = Arrays.copyOfRange(bytes, 5, bytes.length);
        try {
            return new GenericDatumReader<GenericRecord>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(datum, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
