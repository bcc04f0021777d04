package io.mcst.connector.source;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import io.mcst.connector.format.AvroCodecs;
import io.mcst.connector.format.RecordFormat;
import io.mcst.connector.format.RecordFormats;
import io.mcst.connector.format.SegmentWriter;
import io.mcst.stores.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes archives the way the sink does (segment, then index register), so source tests need no sink. */
final class ArchiveFixture {
    static final String PREFIX = "kafka-archive";
    final ArchiveLayout layout = new ArchiveLayout(PREFIX);
    final KeyValueStore store;

    ArchiveFixture(KeyValueStore store) {
        this.store = store;
    }

    /** Writes {@code records} (of one partition, ascending offsets) as one segment, its summary, and indexes it. */
    SegmentKey append(String format, List<SinkRecord> records) {
        return append(format, records, true);
    }

    /** Writes and indexes a segment without its summary, as sinks before the time index did. */
    SegmentKey appendWithoutSummary(String format, List<SinkRecord> records) {
        return append(format, records, false);
    }

    private SegmentKey append(String format, List<SinkRecord> records, boolean summary) {
        SegmentKey segment = writeUnindexed(format, records);
        SinkRecord last = records.get(records.size() - 1);
        if (summary) {
            // As the sink does: a time range only when every record has a timestamp.
            boolean timed = records.stream().allMatch(r -> r.timestamp() != null && r.timestamp() >= 0);
            LongSummaryStatistics times = timed ? records.stream().mapToLong(SinkRecord::timestamp).summaryStatistics() : null;
            store.put(layout.summaryKey(new SegmentSummary(segment.partition(), segment.firstOffset(), last.kafkaOffset(),
                    records.size(), store.get(segment.key()).orElseThrow().length,
                    timed ? OptionalLong.of(times.getMin()) : OptionalLong.empty(),
                    timed ? OptionalLong.of(times.getMax()) : OptionalLong.empty())), new byte[0]);
        }
        store.put(layout.indexKey(segment.partition()), new PartitionIndex(last.kafkaOffset(), segment.key()).toBytes());
        return segment;
    }

    /** Writes a segment without indexing it, as a sink that crashed before its index update leaves it. */
    SegmentKey writeUnindexed(String format, List<SinkRecord> records) {
        RecordFormat recordFormat = RecordFormats.of(format, AvroCodecs.NULL);
        SegmentWriter writer = recordFormat.newWriter();
        records.forEach(writer::append);
        SinkRecord first = records.get(0);
        TopicPartition partition = new TopicPartition(first.topic(), first.kafkaPartition());
        String key = layout.segmentKey(partition, first.kafkaOffset(), recordFormat.extension());
        store.put(key, writer.finish());
        return layout.parseSegmentKey(key).orElseThrow();
    }

    /** A record with key {@code k<offset>}, value {@code v<offset>}, timestamp 1000 + offset and one header. */
    static SinkRecord record(String topic, int partition, long offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("h", ("h" + offset).getBytes(StandardCharsets.UTF_8));
        return new SinkRecord(topic, partition, Schema.OPTIONAL_BYTES_SCHEMA, bytes("k" + offset),
                Schema.OPTIONAL_BYTES_SCHEMA, bytes("v" + offset), offset, 1000 + offset, TimestampType.CREATE_TIME, headers);
    }

    static List<SinkRecord> records(String topic, int partition, long from, int count) {
        return LongStream.range(from, from + count).mapToObj(o -> record(topic, partition, o)).toList();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
