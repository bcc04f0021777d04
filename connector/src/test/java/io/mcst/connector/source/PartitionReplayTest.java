package io.mcst.connector.source;

import static io.mcst.connector.source.ArchiveFixture.bytes;
import static io.mcst.connector.source.ArchiveFixture.record;
import static io.mcst.connector.source.ArchiveFixture.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.RecordFormats;
import io.mcst.connector.schema.SchemaReplicator;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class PartitionReplayTest {
    private static final TopicPartition ORDERS_2 = new TopicPartition("orders.v1", 2);
    private static final long POLL_INTERVAL_MS = 10_000;

    private final FlakyStore store = new FlakyStore(new MemoryStore("mem"));
    private final ArchiveFixture archive = new ArchiveFixture(store);

    @Test
    void replaysSegmentsInOffsetOrderWithArchivedContents() {
        // Written out of order; offsets 3 and 1000 differ in digit count, so order must be numeric.
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 1000, 2));
        archive.writeUnindexed(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.writeUnindexed(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 997));

        List<SourceRecord> out = drain(replay(ReplayBounds.ALL, Optional.empty()), 0);

        assertThat(out).hasSize(1002);
        for (int i = 0; i < out.size(); i++) {
            SourceRecord replayed = out.get(i);
            SinkRecord original = record("orders.v1", 2, i);
            assertThat(replayed.topic()).isEqualTo("orders.v1-restored");
            assertThat(replayed.kafkaPartition()).isEqualTo(2);
            assertThat((byte[]) replayed.key()).isEqualTo((byte[]) original.key());
            assertThat((byte[]) replayed.value()).isEqualTo((byte[]) original.value());
            assertThat(replayed.timestamp()).isEqualTo(original.timestamp());
            assertThat(replayed.headers()).hasSize(1);
            assertThat((byte[]) replayed.headers().lastWithName("h").value()).isEqualTo(bytes("h" + i));
            assertThat(replayed.sourcePartition()).isEqualTo(ReplayPosition.sourcePartition("orders.v1", 2));
        }
        assertThat(positions(out).subList(0, 4)).containsExactly(new ReplayPosition(0, 0, 0), new ReplayPosition(0, 1, 1),
                new ReplayPosition(0, 2, 2), new ReplayPosition(3, 0, 3));
        assertThat(positions(out).get(1001)).isEqualTo(new ReplayPosition(1000, 1, 1001));
    }

    @Test
    void originHeadersFollowTheArchivedHeadersOnlyWhenAskedFor() {
        SegmentKey first = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        SegmentKey second = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 2));

        List<SourceRecord> plain = drain(replay(ReplayBounds.ALL, Optional.empty()), 0);
        List<SourceRecord> marked = drain(replay(ReplayBounds.ALL, Optional.empty(),
                Optional.of(new OriginHeaders("origin."))), 0);

        assertThat(plain).hasSize(5).allSatisfy(replayed -> assertThat(replayed.headers()).hasSize(1));
        assertThat(marked).hasSize(5);
        for (int i = 0; i < marked.size(); i++) {
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            marked.get(i).headers().forEach(header -> {
                names.add(header.key());
                values.add(new String((byte[]) header.value(), java.nio.charset.StandardCharsets.UTF_8));
            });
            String segment = (i < 3 ? first : second).key();
            assertThat(names).containsExactly("h", "origin.topic", "origin.partition", "origin.offset", "origin.segment");
            assertThat(values).containsExactly("h" + i, "orders.v1", "2", Integer.toString(i), segment);
            assertThat((byte[]) marked.get(i).value()).isEqualTo((byte[]) plain.get(i).value());
        }
    }

    @Test
    void keepsNullsTombstonesAndDuplicateHeaders() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("dup", bytes("a")).addBytes("dup", bytes("b")).addBytes("nul", null);
        SinkRecord tombstone = new SinkRecord("orders.v1", 2, Schema.OPTIONAL_BYTES_SCHEMA, null,
                Schema.OPTIONAL_BYTES_SCHEMA, null, 7, 5L, TimestampType.LOG_APPEND_TIME, headers);
        archive.append(RecordFormats.ENVELOPE, List.of(tombstone));

        SourceRecord replayed = pollOnce(replay(ReplayBounds.ALL, Optional.empty()), 10, 0).get(0);

        assertThat(replayed.key()).isNull();
        assertThat(replayed.value()).isNull();
        assertThat(replayed.timestamp()).isEqualTo(5L);
        List<Object> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        replayed.headers().forEach(header -> {
            names.add(header.key());
            values.add(header.value());
        });
        assertThat(names).containsExactly("dup", "dup", "nul");
        assertThat((byte[]) values.get(0)).isEqualTo(bytes("a"));
        assertThat((byte[]) values.get(1)).isEqualTo(bytes("b"));
        assertThat(values.get(2)).isNull();
    }

    @Test
    void batchesAreBoundedAndContinueWhereTheyStopped() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 5));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());

        List<SourceRecord> first = pollOnce(replay, 3, 0);
        List<SourceRecord> second = pollOnce(replay, 3, 0);

        assertThat(positions(first)).extracting(ReplayPosition::index).containsExactly(0, 1, 2);
        assertThat(positions(second)).extracting(ReplayPosition::index).containsExactly(3, 4);
        assertThat(pollOnce(replay, 3, 0)).isEmpty();
    }

    @Test
    void aPollEndsAtASegmentBoundarySoOtherPartitionsFillTheBatch() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 3));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());

        assertThat(pollOnce(replay, 100, 0)).hasSize(3);
        assertThat(replay.holdsSegment()).isFalse();
        assertThat(pollOnce(replay, 2, 0)).hasSize(2);
        assertThat(replay.holdsSegment()).as("one record of segment 3 left").isTrue();
        assertThat(pollOnce(replay, 100, 0)).hasSize(1);
    }

    @Test
    void replaysOnlySegmentsTheIndexRegisterCovers() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.writeUnindexed(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 3));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());

        assertThat(drain(replay, 0)).hasSize(3);
        // The sink, restarted after a crash, rewrites segment 3 with other rotation points, then indexes.
        archive.writeUnindexed(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 2));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 5, 4));

        assertThat(pollOnce(replay, 100, 1)).as("no listing before the poll interval").isEmpty();
        List<SourceRecord> later = drain(replay, POLL_INTERVAL_MS);
        assertThat(later).extracting(r -> new String((byte[]) r.value())).containsExactly("v3", "v4", "v5", "v6", "v7", "v8");
    }

    @Test
    void waitsForTheIndexRegisterOfANewPartition() {
        archive.writeUnindexed(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());

        assertThat(pollOnce(replay, 100, 0)).isEmpty();
        assertThat(replay.notBeforeMs()).isEqualTo(POLL_INTERVAL_MS);
    }

    @Test
    void resumesAfterTheStoredPosition() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 3));

        List<SourceRecord> out = pollOnce(replay(ReplayBounds.ALL, Optional.of(new ReplayPosition(3, 0, 3))), 100, 0);

        assertThat(out).extracting(r -> new String((byte[]) r.value())).containsExactly("v4", "v5");
    }

    @Test
    void aPositionStoredWithoutItsOffsetIsConvertedFromTheArchive() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 3));
        ReplayPosition stored = ReplayPosition.fromSourceOffset(Map.of(), Map.of("segment", 3L, "index", 0L));
        assertThat(stored.offsetKnown()).isFalse();

        List<SourceRecord> out = drain(replay(ReplayBounds.ALL, Optional.of(stored)), 0);

        assertThat(out).extracting(r -> new String((byte[]) r.value())).containsExactly("v4", "v5");
        assertThat(positions(out)).containsExactly(new ReplayPosition(3, 1, 4), new ReplayPosition(3, 2, 5));
    }

    @Test
    void aSegmentRewrittenWithMoreRecordsAfterItWasReplayedIsNotSkipped() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 15));
        // A sink writes segment 15 (15..24); its index put reaches one store of three, and this replay reads it there.
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 15, 10));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());
        assertThat(offsets(drain(replay, 0))).containsExactlyElementsOf(range(0, 25));
        ReplayPosition stopped = positions(drain(replay(ReplayBounds.ALL, Optional.empty()), 0)).get(24);

        // The next owner reads the index from the other two (offset 14), rewinds and rewrites the same key, longer.
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 15, 15));
        assertThat(offsets(drain(replay, POLL_INTERVAL_MS))).containsExactlyElementsOf(range(25, 30));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 30, 5));
        assertThat(offsets(drain(replay, 2 * POLL_INTERVAL_MS))).containsExactlyElementsOf(range(30, 35));

        // A restart from the position stored before the rewrite resumes after it, into the longer copy.
        assertThat(offsets(drain(replay(ReplayBounds.ALL, Optional.of(stopped)), 0))).containsExactlyElementsOf(range(25, 35));
    }

    @Test
    void aRewriteWithMoreRecordsIsFoundAlsoWhenTheNextSegmentIsAlreadyIndexed() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 15));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 15, 10));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());
        assertThat(offsets(drain(replay, 0))).containsExactlyElementsOf(range(0, 25));

        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 15, 15));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 30, 5));
        assertThat(offsets(drain(replay, POLL_INTERVAL_MS))).containsExactlyElementsOf(range(25, 35));
    }

    @Test
    void aRewriteWithMoreRecordsIsFoundInAFormatWithoutOffsets() {
        archive.append(RecordFormats.BYTES, records("orders.v1", 2, 0, 15));
        archive.append(RecordFormats.BYTES, records("orders.v1", 2, 15, 10));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());
        assertThat(drain(replay, 0)).hasSize(25);

        archive.append(RecordFormats.BYTES, records("orders.v1", 2, 15, 15));
        assertThat(drain(replay, POLL_INTERVAL_MS)).extracting(r -> new String((byte[]) r.value()))
                .containsExactly("v25", "v26", "v27", "v28", "v29");
    }

    @Test
    void anOrphanSegmentOverlappingReplayedOffsetsIsNotReplayedTwice() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 10));
        // A sink crashed after writing segment 10 but before indexing it; the next owner found offsets 10..14 gone
        // (retention) and archived from 15: the orphan stays under its own key.
        archive.writeUnindexed(RecordFormats.ENVELOPE, records("orders.v1", 2, 10, 10));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 15, 10));

        assertThat(offsets(drain(replay(ReplayBounds.ALL, Optional.empty()), 0))).containsExactlyElementsOf(range(0, 25));
    }

    @Test
    void aRecordWithoutTimestampInATimeWindowIsNamed() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 5));
        SinkRecord untimed = new SinkRecord("orders.v1", 2, Schema.OPTIONAL_BYTES_SCHEMA, null,
                Schema.OPTIONAL_BYTES_SCHEMA, bytes("x"), 7, null, TimestampType.NO_TIMESTAMP_TYPE);
        SegmentKey segment = archive.append(RecordFormats.ENVELOPE, List.of(record("orders.v1", 2, 5), untimed));

        assertThatThrownBy(() -> drain(replay(new ReplayBounds(0, 0, 5000), Optional.empty()), 0))
                .isInstanceOf(ConnectException.class).hasMessageContaining("orders.v1-2 at offset 7")
                .hasMessageContaining(segment.key());
    }

    @Test
    void theTimeIndexCompletesTheWindowWithoutReadingTheSegmentPastTheEnd() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 10)); // timestamps 1000..1009
        SegmentKey pastEnd = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 10, 10));
        store.failGets(pastEnd.key(), Integer.MAX_VALUE); // reading it would show as a failed get
        PartitionReplay replay = replay(new ReplayBounds(0, Long.MIN_VALUE, 1010), Optional.empty());

        List<SourceRecord> out = new ArrayList<>();
        for (int i = 0; i < 10 && !replay.pastEnd(); i++) {
            replay.poll(out, 100, 0);
        }
        assertThat(offsets(out)).containsExactlyElementsOf(range(0, 10));
        assertThat(replay.pastEnd()).isTrue();
        assertThat(store.failedGets.get()).as("segment 10 was never read").isZero();
    }

    @Test
    void aWholeSegmentPastTheEndCompletesTheWindow() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 10)); // timestamps 1000..1009
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 10, 10));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 20, 10));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 30, 10));
        PartitionReplay replay = replay(new ReplayBounds(0, Long.MIN_VALUE, 1015), Optional.empty());

        List<SourceRecord> out = new ArrayList<>();
        for (int i = 0; i < 10 && !replay.pastEnd(); i++) {
            replay.poll(out, 100, 0);
        }
        assertThat(offsets(out)).containsExactlyElementsOf(range(0, 15));
        assertThat(replay.pastEnd()).isTrue();
        int reads = store.gets.get();
        replay.poll(out, 100, POLL_INTERVAL_MS);
        assertThat(store.gets.get()).as("segment 30 and later listings are not read").isEqualTo(reads);
    }

    @Test
    void resumesAtTheNextSegmentWhenTheStoredOneWasFinished() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 3));

        List<SourceRecord> out = drain(replay(ReplayBounds.ALL, Optional.of(new ReplayPosition(0, 2, 2))), 0);

        assertThat(out).extracting(r -> new String((byte[]) r.value())).containsExactly("v3", "v4", "v5");
    }

    @Test
    void startOffsetSkipsWholeSegmentsAndEarlierRecords() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 3));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 6, 3));
        store.failGets(archive.layout.segmentKey(ORDERS_2, 0, "envelope.avro"), Integer.MAX_VALUE);

        List<SourceRecord> out = drain(replay(new ReplayBounds(4, Long.MIN_VALUE, Long.MAX_VALUE), Optional.empty()), 0);

        assertThat(out).extracting(r -> new String((byte[]) r.value())).containsExactly("v4", "v5", "v6", "v7", "v8");
        assertThat(store.failedGets.get()).as("segment 0 was never read").isZero();
    }

    @Test
    void timeWindowSelectsRecordsByArchivedTimestamp() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 10));

        List<SourceRecord> out = pollOnce(replay(new ReplayBounds(0, 1003, 1007), Optional.empty()), 100, 0);

        assertThat(out).extracting(SourceRecord::timestamp).containsExactly(1003L, 1004L, 1005L, 1006L);
        assertThat(positions(out)).extracting(ReplayPosition::index).containsExactly(3, 4, 5, 6);
    }

    @Test
    void aSegmentOutsideTheWindowEndsThePollEmptyAndTheNextPollGoesOn() {
        // Without summaries (an archive from before the time index) each segment is read to find its times.
        archive.appendWithoutSummary(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 3));
        archive.appendWithoutSummary(RecordFormats.ENVELOPE, records("orders.v1", 2, 3, 3));
        PartitionReplay replay = replay(new ReplayBounds(0, 1004, Long.MAX_VALUE), Optional.empty());

        assertThat(pollOnce(replay, 100, 0)).as("segment 0 is all before the window").isEmpty();
        assertThat(replay.notBeforeMs()).as("not waiting").isLessThanOrEqualTo(0);
        assertThat(pollOnce(replay, 100, 0)).extracting(SourceRecord::timestamp).containsExactly(1004L, 1005L);
    }

    @Test
    void thePointInTimeReplayOfTheLastPercentOfAThousandSegmentsReadsOnlyTheSegmentsInTheWindow() {
        for (int segment = 0; segment < 1_000; segment++) {
            archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, segment * 10L, 10));
        }
        Set<String> read = ConcurrentHashMap.newKeySet();
        AtomicInteger segmentGets = new AtomicInteger();
        KeyValueStore counting = new ForwardingKeyValueStore(store) {
            @Override
            public Optional<byte[]> get(String key) {
                if (archive.layout.parseSegmentKey(key).isPresent()) {
                    segmentGets.incrementAndGet();
                    read.add(key);
                }
                return super.get(key);
            }
        };
        // Record times are 1000 + offset: the last 1% is offsets 9900..9999, segments 990..999.
        PartitionReplay replay = new PartitionReplay(ORDERS_2, "t", archive.layout, counting,
                SegmentReader.forFormat(SourceConfig.FORMAT_AUTO), new ReplayBounds(0, 1000 + 9_900, Long.MAX_VALUE),
                true, Optional.empty(), POLL_INTERVAL_MS, Optional.empty(), SchemaReplicator.off());

        List<SourceRecord> out = drain(replay, 0);

        assertThat(out).hasSize(100);
        assertThat(out.get(0).timestamp()).isEqualTo(1000 + 9_900L);
        assertThat(segmentGets.get()).as("segments downloaded").isEqualTo(10);
        assertThat(read).allSatisfy(key -> assertThat(archive.layout.parseSegmentKey(key).orElseThrow().firstOffset())
                .isGreaterThanOrEqualTo(9_900));
    }

    @Test
    void timeWindowOnAFormatWithoutTimestampsFailsNamingTheBlob() {
        SegmentKey segment = archive.append(RecordFormats.BYTES, records("orders.v1", 2, 0, 3));

        // The window holds some of its records (times 1000..1002), so the segment must be read.
        assertThatThrownBy(() -> pollOnce(replay(new ReplayBounds(0, 1001, 2000), Optional.empty()), 100, 0))
                .isInstanceOf(ConnectException.class).hasMessageContaining(segment.key());
    }

    @Test
    void bytesFormatReplaysValuesOnly() {
        archive.append(RecordFormats.BYTES, records("orders.v1", 2, 0, 3));

        List<SourceRecord> out = pollOnce(replay(ReplayBounds.ALL, Optional.empty()), 100, 0);

        assertThat(out).extracting(r -> new String((byte[]) r.value())).containsExactly("v0", "v1", "v2");
        assertThat(out).allSatisfy(r -> {
            assertThat(r.key()).isNull();
            assertThat(r.timestamp()).isNull();
            assertThat(r.headers()).isEmpty();
        });
    }

    @Test
    void jsonFormatReplaysSchemalessValuesOnly() {
        SinkRecord order = new SinkRecord("orders.v1", 2, Schema.OPTIONAL_BYTES_SCHEMA, bytes("k"), null,
                Map.of("id", 7, "item", "tea"), 0, 1000L, TimestampType.CREATE_TIME, new ConnectHeaders().addString("h", "x"));
        archive.append(RecordFormats.JSON, List.of(order));

        SourceRecord replayed = pollOnce(replay(ReplayBounds.ALL, Optional.empty()), 10, 0).get(0);

        assertThat(replayed.valueSchema()).isNull();
        assertThat(replayed.value()).isEqualTo(Map.of("id", 7L, "item", "tea"));
        assertThat(replayed.key()).isNull();
        assertThat(replayed.timestamp()).isNull();
        assertThat(replayed.headers()).isEmpty();
    }

    @Test
    void replayTimeStampsLeaveTheTimestampToTheProducer() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 2));
        PartitionReplay replay = new PartitionReplay(ORDERS_2, "t", archive.layout, store,
                SegmentReader.forFormat(SourceConfig.FORMAT_AUTO), ReplayBounds.ALL, false, Optional.empty(), POLL_INTERVAL_MS,
                Optional.empty(), SchemaReplicator.off());

        assertThat(pollOnce(replay, 10, 0)).extracting(SourceRecord::timestamp).containsExactly(null, null);
    }

    @Test
    void aSegmentWithoutQuorumIsRetriedWithBackoffNeverSkipped() {
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 2));
        SegmentKey second = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 2, 2));
        store.failGets(second.key(), 2);
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());

        assertThat(drain(replay, 0)).hasSize(2);
        assertThat(replay.notBeforeMs()).isEqualTo(PartitionReplay.INITIAL_BACKOFF_MS);
        assertThat(pollOnce(replay, 100, 100)).as("still backing off").isEmpty();
        assertThat(pollOnce(replay, 100, 500)).isEmpty();
        assertThat(replay.notBeforeMs()).isEqualTo(500 + 2 * PartitionReplay.INITIAL_BACKOFF_MS);
        List<SourceRecord> out = drain(replay, 1500);

        assertThat(out).extracting(r -> new String((byte[]) r.value())).containsExactly("v2", "v3");
        assertThat(store.failedGets.get()).isEqualTo(2);
    }

    @Test
    void aTruncatedSegmentFailsNamingTheBlob() {
        SegmentKey segment = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 50));
        byte[] blob = store.get(segment.key()).orElseThrow();
        store.put(segment.key(), Arrays.copyOf(blob, blob.length - 40));

        assertThatThrownBy(() -> pollOnce(replay(ReplayBounds.ALL, Optional.empty()), 100, 0))
                .isInstanceOf(ConnectException.class).hasMessageContaining(segment.key());
    }

    @Test
    void aSegmentCorruptOnAQuorumOfStoresFailsNamingTheBlob() {
        SegmentKey segment = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 2));
        store.corrupt(segment.key());

        assertThatThrownBy(() -> pollOnce(replay(ReplayBounds.ALL, Optional.empty()), 100, 0))
                .isInstanceOf(ConnectException.class).hasMessageContaining(segment.key())
                .hasRootCauseInstanceOf(StoreCorruptionException.class);
    }

    @Test
    void aSegmentExpiredAfterItWasListedIsPassed() {
        SegmentKey first = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 2));
        SegmentKey second = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 2, 2));
        archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 4, 2));
        PartitionReplay replay = replay(ReplayBounds.ALL, Optional.empty());
        assertThat(pollOnce(replay, 100, 0)).hasSize(2); // lists all three, replays the first

        store.remove(first.key()); // retention removes the two oldest meanwhile
        store.remove(second.key());

        assertThat(drain(replay, 0)).extracting(r -> new String((byte[]) r.value())).containsExactly("v4", "v5");
    }

    @Test
    void aListedSegmentThatIsGoneFailsRatherThanBeingSkipped() {
        SegmentKey segment = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 2));
        store.hide(segment.key());

        assertThatThrownBy(() -> pollOnce(replay(ReplayBounds.ALL, Optional.empty()), 100, 0))
                .isInstanceOf(ConnectException.class).hasMessageContaining(segment.key()).hasMessageContaining("gone");
    }

    @Test
    void aSegmentOfAnotherFormatThanConfiguredFails() {
        SegmentKey segment = archive.append(RecordFormats.ENVELOPE, records("orders.v1", 2, 0, 2));
        PartitionReplay replay = new PartitionReplay(ORDERS_2, "t", archive.layout, store,
                SegmentReader.forFormat(RecordFormats.BYTES), ReplayBounds.ALL, true, Optional.empty(), POLL_INTERVAL_MS,
                Optional.empty(), SchemaReplicator.off());

        assertThatThrownBy(() -> pollOnce(replay, 100, 0))
                .isInstanceOf(ConnectException.class).hasMessageContaining(segment.key()).hasMessageContaining("format=auto");
    }

    private PartitionReplay replay(ReplayBounds bounds, Optional<ReplayPosition> resume) {
        return replay(bounds, resume, Optional.empty());
    }

    private PartitionReplay replay(ReplayBounds bounds, Optional<ReplayPosition> resume, Optional<OriginHeaders> origin) {
        return new PartitionReplay(ORDERS_2, "orders.v1-restored", archive.layout, store,
                SegmentReader.forFormat(SourceConfig.FORMAT_AUTO), bounds, true, origin, POLL_INTERVAL_MS, resume,
                SchemaReplicator.off());
    }

    private static List<SourceRecord> pollOnce(PartitionReplay replay, int max, long now) {
        List<SourceRecord> out = new ArrayList<>();
        replay.poll(out, max, now);
        return out;
    }

    /** Polls until the partition waits: caught up (until the next listing) or backing off from a failed read. */
    private static List<SourceRecord> drain(PartitionReplay replay, long now) {
        List<SourceRecord> out = new ArrayList<>();
        do {
            replay.poll(out, 10_000, now);
        } while (replay.notBeforeMs() <= now);
        return out;
    }

    private static List<Long> offsets(List<SourceRecord> records) {
        return positions(records).stream().map(ReplayPosition::offset).toList();
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).boxed().toList();
    }

    private static List<ReplayPosition> positions(List<SourceRecord> records) {
        return records.stream().map(r -> ReplayPosition.fromSourceOffset(r.sourcePartition(), r.sourceOffset())).toList();
    }

    /** A store whose reads of chosen keys fail (no quorum) a number of times, find nothing, or fail as corrupt. */
    private static final class FlakyStore extends ForwardingKeyValueStore {
        private final ConcurrentHashMap<String, Integer> failuresLeft = new ConcurrentHashMap<>();
        private final Set<String> hidden = ConcurrentHashMap.newKeySet();
        private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
        final AtomicInteger failedGets = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();

        FlakyStore(KeyValueStore delegate) {
            super(delegate);
        }

        void failGets(String key, int times) {
            failuresLeft.put(key, times);
        }

        void hide(String key) {
            hidden.add(key);
        }

        void corrupt(String key) {
            corrupt.add(key);
        }

        @Override
        public Optional<byte[]> get(String key) {
            gets.incrementAndGet();
            if (failuresLeft.getOrDefault(key, 0) > 0) {
                failuresLeft.merge(key, -1, Integer::sum);
                failedGets.incrementAndGet();
                throw new StoreUnavailableException("2 of 3 stores did not answer for " + key);
            }
            if (corrupt.contains(key)) {
                throw new StoreCorruptionException("2 of 3 replicas of " + key + " fail their checksum");
            }
            return hidden.contains(key) ? Optional.empty() : super.get(key);
        }
    }
}
