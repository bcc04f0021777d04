package io.mcst.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.ArchivedRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mcst export}: records as plain files per topic and partition, readable without this project.
 * Segments outside the time window are skipped unread (the time index), records outside it filtered.
 */
@Command(name = "export", description = {"Write archived records as plain files, one per topic and partition: "
        + "jsonl (one JSON object a line: offset, timestamp, timestampType, key, value and headers, bytes in "
        + "base64, values of the avro and json formats as JSON under keyJson/valueJson), avro (an Avro container "
        + "of the same fields) or raw (each segment as archived, e.g. the envelope format's Avro container)."})
final class ExportCommand extends ArchiveCommand {
    enum Format { jsonl, avro, raw }

    /** The exported record, as Avro; the jsonl lines carry the same fields. */
    static final Schema RECORD_SCHEMA = SchemaBuilder.record("ArchivedRecord").namespace("io.mcst.export").fields()
            .requiredString("topic")
            .requiredInt("partition")
            .optionalLong("offset")
            .optionalLong("timestamp")
            .requiredString("timestampType")
            .optionalBytes("key")
            .optionalBytes("value")
            .name("headers").type().array().items(SchemaBuilder.record("Header").fields()
                    .requiredString("key").optionalBytes("value").endRecord()).noDefault()
            .endRecord();

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "Directory to write into (created if absent).")
    Path directory;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "jsonl (default), avro or raw.")
    Format format;

    @Option(names = "--from", paramLabel = "TIME", description = "Only records at or after TIME (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to-time", paramLabel = "TIME", description = "Only records before TIME.")
    String to;

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    boolean readOnly() {
        return true;
    }

    @Override
    int run(Archive archive, PrintWriter out, PrintWriter err) {
        TimeWindow window = TimeWindow.of(from, to);
        if (format == Format.raw && window.bounded()) {
            throw new IllegalArgumentException("--format raw writes whole segments; a time window selects segments only "
                    + "with jsonl or avro");
        }
        ArchiveLayout layout = archive.layout();
        List<TopicPartition> partitions = new ArrayList<>();
        List<List<SegmentKey>> selected = new ArrayList<>();
        long total = 0;
        for (TopicPartition archived : archive.partitions(topic, partition)) {
            ArchiveLayout.PartitionListing listing = layout.listPartition(archive.store(), archived);
            List<SegmentKey> segments = listing.segments().stream().filter(s -> window.mayHold(listing.summary(s))).toList();
            partitions.add(archived);
            selected.add(segments);
            total += segments.size();
        }
        Progress progress = Progress.Factory.on(err).start("exporting segments", total);
        long records = 0;
        try {
            for (int i = 0; i < partitions.size(); i++) {
                records += export(archive, partitions.get(i), selected.get(i), window, progress);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write under " + directory + ": " + e.getMessage(), e);
        }
        progress.finish();
        out.printf("exported %d records of %d segments in %d partitions to %s (%s)%n", records, total, partitions.size(),
                directory, format);
        return Mcst.OK;
    }

    private long export(Archive archive, TopicPartition partition, List<SegmentKey> segments, TimeWindow window,
            Progress progress) throws IOException {
        Path topicDirectory = directory.resolve(partition.topic());
        Files.createDirectories(topicDirectory);
        long count = 0;
        if (format == Format.raw) {
            Path partitionDirectory = Files.createDirectories(topicDirectory.resolve(Integer.toString(partition.partition())));
            for (SegmentKey segment : segments) {
                byte[] bytes = archive.segmentBytes(segment);
                Files.write(partitionDirectory.resolve(segment.key().substring(segment.key().lastIndexOf('/') + 1)), bytes);
                count += Archive.decode(segment, bytes).size();
                progress.advance(1, bytes.length);
            }
            return count;
        }
        Path file = topicDirectory.resolve(partition.partition() + "." + format);
        try (OutputStream stream = Files.newOutputStream(file);
                RecordSink sink = format == Format.jsonl ? new JsonLines(stream) : new AvroRecords(stream)) {
            for (SegmentKey segment : segments) {
                byte[] bytes = archive.segmentBytes(segment);
                for (ArchivedRecord record : Archive.decode(segment, bytes)) {
                    if (window.holds(record)) {
                        sink.write(partition, record);
                        count++;
                    }
                }
                progress.advance(1, bytes.length);
            }
        }
        return count;
    }

    private interface RecordSink extends AutoCloseable {
        void write(TopicPartition partition, ArchivedRecord record) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final class JsonLines implements RecordSink {
        private final JsonGenerator out;

        JsonLines(OutputStream stream) throws IOException {
            out = new JsonFactory().setRootValueSeparator(null).createGenerator(stream, JsonEncoding.UTF8);
            out.setCodec(mapper);
        }

        @Override
        public void write(TopicPartition partition, ArchivedRecord record) throws IOException {
            out.writeStartObject();
            out.writeStringField("topic", partition.topic());
            out.writeNumberField("partition", partition.partition());
            writeNullableLong("offset", record.offset());
            writeNullableLong("timestamp", record.timestamp());
            out.writeStringField("timestampType", record.timestampType().name);
            writeData("key", record.key());
            writeData("value", record.value());
            out.writeArrayFieldStart("headers");
            for (Header header : record.headers()) {
                out.writeStartObject();
                out.writeStringField("key", header.key());
                byte[] value = headerBytes(header);
                out.writeFieldName("value");
                if (value == null) {
                    out.writeNull();
                } else {
                    out.writeBinary(value);
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeRaw('\n');
        }

        private void writeNullableLong(String name, Long value) throws IOException {
            out.writeFieldName(name);
            if (value == null) {
                out.writeNull();
            } else {
                out.writeNumber(value);
            }
        }

        /** Bytes as base64 under {@code name}; other Connect data as JSON under {@code nameJson}. */
        private void writeData(String name, SchemaAndValue data) throws IOException {
            if (data.value() == null) {
                out.writeNullField(name);
            } else if (data.value() instanceof byte[] bytes) {
                out.writeFieldName(name);
                out.writeBinary(bytes);
            } else if (data.value() instanceof ByteBuffer buffer) {
                out.writeFieldName(name);
                out.writeBinary(toBytes(buffer));
            } else {
                out.writeFieldName(name + "Json");
                out.writeTree(ConnectJson.of(data.value()));
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private final class AvroRecords implements RecordSink {
        private final DataFileWriter<GenericRecord> out;

        AvroRecords(OutputStream stream) throws IOException {
            out = new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(RECORD_SCHEMA)).create(RECORD_SCHEMA, stream);
        }

        @Override
        public void write(TopicPartition partition, ArchivedRecord record) throws IOException {
            GenericRecord avro = new GenericData.Record(RECORD_SCHEMA);
            avro.put("topic", partition.topic());
            avro.put("partition", partition.partition());
            avro.put("offset", record.offset());
            avro.put("timestamp", record.timestamp());
            avro.put("timestampType", record.timestampType().name);
            avro.put("key", dataBytes(partition, record.key()));
            avro.put("value", dataBytes(partition, record.value()));
            Schema headerSchema = RECORD_SCHEMA.getField("headers").schema().getElementType();
            List<GenericRecord> headers = new ArrayList<>();
            for (Header header : record.headers()) {
                GenericRecord h = new GenericData.Record(headerSchema);
                h.put("key", header.key());
                byte[] value = headerBytes(header);
                h.put("value", value == null ? null : ByteBuffer.wrap(value));
                headers.add(h);
            }
            avro.put("headers", headers);
            out.append(avro);
        }

        /** Bytes as they are; other Connect data as its JSON text. */
        private ByteBuffer dataBytes(TopicPartition partition, SchemaAndValue data) {
            if (data.value() == null) {
                return null;
            }
            if (data.value() instanceof byte[] bytes) {
                return ByteBuffer.wrap(bytes);
            }
            if (data.value() instanceof ByteBuffer buffer) {
                return buffer.duplicate();
            }
            try {
                return ByteBuffer.wrap(mapper.writeValueAsBytes(ConnectJson.of(data.value())));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot render a value of " + partition + " as JSON", e);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static byte[] headerBytes(Header header) {
        Object value = header.value();
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            return toBytes(buffer);
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
