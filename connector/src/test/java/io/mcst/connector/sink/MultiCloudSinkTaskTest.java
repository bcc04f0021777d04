package io.mcst.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.format.RecordFormats;
import io.mcst.replication.FencedStore;
import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.SharedStoreView;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultiCloudSinkTaskTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final ArchiveLayout LAYOUT = new ArchiveLayout(SinkConfig.DEFAULT_ARCHIVE_PREFIX);

    /** Three stores that several tasks' replicated stores share, one of them down (t = 1). */
    private final List<MemoryStore> clouds = List.of(new MemoryStore("s0"), new MemoryStore("s1"), new MemoryStore("s2"));
    private final FaultInjectingStore downCloud = new FaultInjectingStore(new SharedStoreView(clouds.get(2)));
    private final List<ReplicatedStore> clients = new ArrayList<>();
    private final ReplicatedStore memory = SwitchableStore.replicatedMemory();
    private final SwitchableStore store = new SwitchableStore(memory);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<MultiCloudSinkTask> tasks = new ArrayList<>();
    /** Where {@link #assertArchived} reads the archive: {@link #memory}, or the clouds once a test uses them. */
    private KeyValueStore archive = memory;

    @AfterEach
    void stopTasks() {
        tasks.forEach(MultiCloudSinkTask::stop);
        memory.close();
        clients.forEach(ReplicatedStore::close);
    }

    /**
     * A task's own replicated store (its own writer) over the three shared clouds, one of them down; the
     * archive {@link #assertArchived} reads is then theirs.
     */
    private ReplicatedStore client() {
        downCloud.crash();
        ReplicatedStore client = new ReplicatedStore(List.of(new SharedStoreView(clouds.get(0)),
                new SharedStoreView(clouds.get(1)), new SharedStoreView(downCloud)), ReplicationOptions.defaults());
        clients.add(client);
        archive = client;
        return client;
    }

    private MultiCloudSinkTask start(RecordingContext context, Map<String, String> overrides) {
        return start(context, overrides, store);
    }

    private MultiCloudSinkTask start(RecordingContext context, Map<String, String> overrides, FencedStore taskStore) {
        Map<String, String> props = new HashMap<>(Map.of("stores", "unused-by-the-injected-opener", "flush.size", "10",
                "rotate.schedule.interval.ms", "-1"));
        props.putAll(overrides);
        MultiCloudSinkTask task = new MultiCloudSinkTask(ignored -> taskStore, clock::get);
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    /** Waits for the task's uploads in flight, as Connect's offset commit does (segments upload in the background). */
    static void awaitUploads(MultiCloudSinkTask task) {
        task.flush(Map.of());
    }

    static SinkRecord record(TopicPartition partition, long offset) {
        byte[] key = offset % 7 == 0 ? null : ("key-" + offset).getBytes(StandardCharsets.UTF_8);
        byte[] value = offset % 11 == 0 ? null : ("value-" + offset).getBytes(StandardCharsets.UTF_8);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("h", new byte[] {(byte) offset});
        return new SinkRecord(partition.topic(), partition.partition(), Schema.OPTIONAL_BYTES_SCHEMA, key,
                Schema.OPTIONAL_BYTES_SCHEMA, value, offset, 1_000L * offset, TimestampType.CREATE_TIME, headers);
    }

    static List<SinkRecord> records(TopicPartition partition, long from, long to) {
        return LongStream.range(from, to).mapToObj(offset -> record(partition, offset)).toList();
    }

    /** Every record archived for {@code partition}, segment by segment in offset order. */
    private List<ArchivedRecord> archive(TopicPartition partition) {
        return archived(archive, partition);
    }

    /** Every record the segments of {@code partition} in {@code store} hold, in segment order. */
    static List<ArchivedRecord> archived(KeyValueStore store, TopicPartition partition) {
        List<ArchivedRecord> all = new ArrayList<>();
        for (SegmentKey segment : LAYOUT.segments(store, partition)) {
            all.addAll(RecordFormats.forExtension(segment.extension()).orElseThrow()
                    .read(segment, store.get(segment.key()).orElseThrow()));
        }
        return all;
    }

    private void assertArchived(TopicPartition partition, long count) {
        assertArchived(archive, partition, count);
    }

    /** The archive of {@code partition} in {@code store} holds exactly offsets [0, count), each once, byte-exact. */
    static void assertArchived(KeyValueStore store, TopicPartition partition, long count) {
        List<ArchivedRecord> archived = archived(store, partition);
        assertThat(archived).extracting(ArchivedRecord::offset)
                .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        for (ArchivedRecord read : archived) {
            SinkRecord expected = record(partition, read.offset());
            assertThat((byte[]) read.key().value()).isEqualTo((byte[]) expected.key());
            assertThat((byte[]) read.value().value()).isEqualTo((byte[]) expected.value());
            assertThat(read.timestamp()).isEqualTo(expected.timestamp());
            assertThat((byte[]) read.headers().get(0).value()).containsExactly((byte) (long) read.offset());
        }
    }

    @Test
    void writesASegmentPerFlushSizeAndCommitsOnlyArchivedOffsets() {
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = start(context, Map.of());
        task.open(List.of(P0, P1));
        assertThat(context.rewinds).containsEntry(P0, 0L).containsEntry(P1, 0L);

        task.put(records(P0, 0, 25));
        task.put(records(P1, 0, 5));
        awaitUploads(task);

        assertThat(LAYOUT.segments(memory, P0)).extracting(SegmentKey::firstOffset).containsExactly(0L, 10L);
        assertArchived(P0, 20);
        assertThat(LAYOUT.segments(memory, P1)).isEmpty();
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(
                P0, new OffsetAndMetadata(25), P1, new OffsetAndMetadata(5)));
        assertThat(committed).isEqualTo(Map.of(P0, new OffsetAndMetadata(20)));
        assertThat(PartitionIndex.parse("i", memory.get(LAYOUT.indexKey(P0)).orElseThrow()))
                .isEqualTo(new PartitionIndex(19, LAYOUT.segmentKey(P0, 10, "envelope.avro")));
        // Each segment's time index entry: offsets, count, size and record time range (1000 * offset).
        ArchiveLayout.PartitionListing listing = LAYOUT.listPartition(memory, P0);
        assertThat(listing.summaries().values()).containsExactlyInAnyOrder(
                new SegmentSummary(P0, 0, 9, 10, memory.get(LAYOUT.segmentKey(P0, 0, "envelope.avro")).orElseThrow().length,
                        OptionalLong.of(0), OptionalLong.of(9_000)),
                new SegmentSummary(P0, 10, 19, 10, memory.get(LAYOUT.segmentKey(P0, 10, "envelope.avro")).orElseThrow().length,
                        OptionalLong.of(10_000), OptionalLong.of(19_000)));
    }

    @Test
    void archiveRetentionExpiresTheOldestSegmentsAtMostOncePerPeriod() {
        // Record time is 1000 * offset; the clock starts at 1,000,000. After one period, the bound is 25,000.
        long retention = 1_000_000 + MultiCloudSinkTask.RETENTION_PERIOD_MS - 25_000;
        MultiCloudSinkTask task = start(new RecordingContext(false), Map.of("archive.retention.ms", Long.toString(retention)));
        task.open(List.of(P0));
        task.put(records(P0, 0, 50));
        awaitUploads(task);
        assertThat(LAYOUT.segments(memory, P0)).extracting(SegmentKey::firstOffset).containsExactly(0L, 10L, 20L, 30L, 40L);

        clock.addAndGet(MultiCloudSinkTask.RETENTION_PERIOD_MS - 1);
        task.put(records(P0, 50, 60));
        awaitUploads(task);
        assertThat(LAYOUT.segments(memory, P0)).as("not yet a period since the last run").hasSize(6);
        clock.addAndGet(1);
        task.put(records(P0, 60, 70));
        awaitUploads(task);

        // Segments 0 and 10 hold only records before 25,000; segment 20 holds 20,000..29,000 and stays.
        ArchiveLayout.PartitionListing listing = LAYOUT.listPartition(memory, P0);
        assertThat(listing.segments()).extracting(SegmentKey::firstOffset).containsExactly(20L, 30L, 40L, 50L, 60L);
        assertThat(listing.summaries().keySet()).containsExactlyInAnyOrder(20L, 30L, 40L, 50L, 60L);
        assertThat(PartitionIndex.parse("i", memory.get(LAYOUT.indexKey(P0)).orElseThrow()).lastOffset()).isEqualTo(69);
    }

    @Test
    void aNewOwnerResumesAfterTheLastArchivedRecordWithoutDuplicates() {
        MultiCloudSinkTask first = start(new RecordingContext(false), Map.of());
        first.open(List.of(P0));
        first.put(records(P0, 0, 27)); // 20 archived, 7 buffered and lost with the task
        awaitUploads(first);

        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask second = start(context, Map.of());
        second.open(List.of(P0));
        assertThat(context.rewinds).containsEntry(P0, 20L);
        second.put(records(P0, 15, 40)); // a stale redelivery overlapping the archive is skipped by offset
        awaitUploads(second);

        assertArchived(P0, 40);
    }

    @Test
    void aSegmentWhoseIndexWasNotWrittenIsRewrittenInPlace() {
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask first = start(context, Map.of());
        first.open(List.of(P0));
        store.failPuts(key -> key.endsWith("/index"));
        first.put(records(P0, 0, 10));
        awaitUploads(first);
        assertThat(first.preCommit(Map.of(P0, new OffsetAndMetadata(10)))).isEmpty();
        assertThatThrownBy(() -> first.put(List.of())).isInstanceOf(RetriableException.class);
        assertThat(context.timeoutMs).isEqualTo(SinkConfig.DEFAULT_RETRY_BACKOFF_MS);
        assertThat(LAYOUT.segments(memory, P0)).hasSize(1); // the segment landed, its index did not
        first.stop();
        store.heal();

        // The crash leaves the index behind the segment: the next owner rewinds to 0 and, with another
        // flush size, writes the segment at offset 0 again: the same key, so it replaces the first.
        RecordingContext next = new RecordingContext(false);
        MultiCloudSinkTask second = start(next, Map.of("flush.size", "7"));
        second.open(List.of(P0));
        assertThat(next.rewinds).containsEntry(P0, 0L);
        second.put(records(P0, 0, 21));
        awaitUploads(second);
        assertArchived(P0, 21);
    }

    @Test
    void storeFailuresAreRetriableAndRedeliveryArchivesEachRecordOnce() {
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = start(context, Map.of());
        task.open(List.of(P0, P1));
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 15));
        batch.addAll(records(P1, 0, 15));
        batch.addAll(records(P0, 15, 30));
        store.failPuts(key -> key.contains("/1/"));
        task.put(batch); // P1's segment fails in the background, P0's land
        awaitUploads(task);
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(30), P1, new OffsetAndMetadata(15))))
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(30)));
        List<SinkRecord> next = records(P0, 30, 35);
        assertThatThrownBy(() -> task.put(next)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("redeliver");
        task.put(next); // Connect redelivers the batch after the backoff; P1's segment is retried, fails again
        awaitUploads(task);
        assertThatThrownBy(() -> task.put(next)).isInstanceOf(RetriableException.class);
        store.heal();
        task.put(next); // redelivered again: the retry lands
        task.put(records(P0, 35, 40));
        task.put(records(P1, 15, 20));
        awaitUploads(task);
        assertArchived(P0, 40);
        assertArchived(P1, 20);
    }

    @Test
    void aZombieThatWritesFirstIsFencedOffAndTheRightfulOwnerNeverFails() {
        RecordingContext zombieContext = new RecordingContext(false);
        MultiCloudSinkTask zombie = start(zombieContext, Map.of(), client());
        zombie.open(List.of(P0));
        zombie.put(records(P0, 0, 15)); // archives [0, 10), buffers 10..14
        awaitUploads(zombie);

        MultiCloudSinkTask owner = start(new RecordingContext(false), Map.of("flush.size", "4"), client());
        owner.open(List.of(P0)); // a rebalance the zombie has not noticed yet

        zombie.put(records(P0, 15, 20)); // its segment 10 is fenced off: it stops writing P0
        awaitUploads(zombie);
        assertThat(zombieContext.paused).containsExactly(P0);
        zombie.put(records(P0, 20, 30));
        owner.put(records(P0, 10, 22)); // used to fail: the zombie had moved the index first
        awaitUploads(owner);
        assertArchived(P0, 22);
    }

    @Test
    void aZombieCannotOverwriteASegmentTheOwnerWrote() {
        MultiCloudSinkTask zombie = start(new RecordingContext(false), Map.of(), client());
        zombie.open(List.of(P0));
        zombie.put(records(P0, 0, 15)); // archives [0, 10), buffers 10..14
        awaitUploads(zombie);

        MultiCloudSinkTask owner = start(new RecordingContext(false), Map.of("flush.size", "4"), client());
        owner.open(List.of(P0));
        owner.put(records(P0, 10, 22)); // archives [10, 14), [14, 18), [18, 22)
        awaitUploads(owner);

        zombie.put(records(P0, 15, 20)); // its segment 10 (10..19) would replace the owner's 10..13: fenced off
        awaitUploads(zombie);
        assertArchived(P0, 22);
        owner.put(records(P0, 22, 26));
        awaitUploads(owner);
        assertArchived(P0, 26);
    }

    @Test
    void aQuorumOutageWhileOpeningPausesThePartitionUntilTheStoresAnswer() {
        store.failGets(true);
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = start(context, Map.of("retry.backoff.ms", "1000"));
        task.open(List.of(P0, P1)); // used to fail the task for good after 4 attempts
        assertThat(context.paused).containsExactlyInAnyOrder(P0, P1);
        assertThat(context.rewinds).doesNotContainKey(P0);
        task.put(records(P0, 0, 12)); // fetched before the pause: ignored, they come again after the rewind
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(12)))).isEmpty();

        store.heal();
        task.put(List.of());
        assertThat(context.rewinds).as("retried only after retry.backoff.ms").doesNotContainKey(P0);
        clock.addAndGet(1000);
        task.put(records(P0, 0, 12)); // resolves P0: the records in hand predate the rewind
        assertThat(context.rewinds).containsEntry(P0, 0L).containsEntry(P1, 0L);
        assertThat(context.paused).isEmpty();
        assertThat(LAYOUT.segments(memory, P0)).isEmpty();
        task.put(records(P0, 0, 12)); // after the rewind
        awaitUploads(task);
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(12)))).isEqualTo(Map.of(P0, new OffsetAndMetadata(10)));
        assertArchived(P0, 10);
    }

    @Test
    void opensAThousandPartitionsReadingTheirIndexesConcurrently() {
        MultiCloudSinkTask writer = start(new RecordingContext(false), Map.of());
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < 1000; p++) {
            partitions.add(new TopicPartition("wide", p));
        }
        writer.open(partitions.subList(0, 10));
        for (TopicPartition partition : partitions.subList(0, 10)) {
            writer.put(records(partition, 0, 10 + partition.partition()));
        }
        awaitUploads(writer);
        writer.stop();

        SlowStore slow = new SlowStore(memory, 5);
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = new MultiCloudSinkTask(ignored -> slow, clock::get);
        task.initialize(context);
        task.start(Map.of("stores", "injected", "flush.size", "10"));
        tasks.add(task);
        task.open(partitions);
        for (TopicPartition partition : partitions) {
            assertThat(context.rewinds).containsEntry(partition, partition.partition() < 10 ? 10L : 0L);
        }
        // One at a time, a thousand reads at cloud latency (100 ms) would exceed max.poll.interval.ms.
        assertThat(slow.maxConcurrentReads()).isEqualTo(MultiCloudSinkTask.INDEX_READ_CONCURRENCY);
    }

    @Test
    void badRecordsFailTheTaskUnlessToleratedThenGoToTheReporter() {
        SinkRecord text = new SinkRecord("orders", 0, null, null, Schema.STRING_SCHEMA, "not bytes", 3);
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 3));
        batch.add(text);
        batch.addAll(records(P0, 4, 12));

        MultiCloudSinkTask strict = start(new RecordingContext(true), Map.of());
        strict.open(List.of(P0));
        assertThatThrownBy(() -> strict.put(batch)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("orders-0@3").hasMessageContaining("errors.tolerance");
        strict.stop();

        RecordingContext context = new RecordingContext(true);
        MultiCloudSinkTask tolerant = start(context, Map.of("errors.tolerance", "all"));
        tolerant.open(List.of(P0));
        tolerant.put(batch);
        tolerant.put(batch); // a redelivery does not report it twice
        awaitUploads(tolerant);
        assertThat(context.reported).containsExactly(text);
        List<ArchivedRecord> archived = archive(P0);
        assertThat(archived).extracting(ArchivedRecord::offset).containsExactly(0L, 1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(tolerant.preCommit(Map.of(P0, new OffsetAndMetadata(12)))).containsEntry(P0, new OffsetAndMetadata(11));
    }

    @Test
    void recordsOfAPartitionNeverOpenedAreSkippedNotFatal() {
        MultiCloudSinkTask task = start(new RecordingContext(false), Map.of());
        task.open(List.of(P0));
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 10));
        batch.addAll(records(P1, 0, 10)); // e.g. a topic-renaming transform during a rebalance
        task.put(batch);
        awaitUploads(task);
        assertArchived(P0, 10);
        assertThat(LAYOUT.segments(memory, P1)).isEmpty();
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(10), P1, new OffsetAndMetadata(10))))
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(10)));
    }

    @Test
    void recordsBehindTheArchiveAreSkippedLoudlyAndCountedOrFailTheTask() {
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = start(context, Map.of());
        task.open(List.of(P0));
        store.failPuts(key -> key.endsWith("/00000000000000000010.envelope.avro"));
        task.put(records(P0, 0, 25));
        awaitUploads(task);
        List<SinkRecord> batch = records(P0, 25, 27);
        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
        store.heal();
        task.put(batch); // a redelivery is expected, not counted
        assertThat(context.metric(MultiCloudSinkTask.BEHIND_ARCHIVE_METRIC)).isZero();

        task.put(records(P0, 3, 8)); // the topic was recreated: offsets start again below the archive
        assertThat(context.metric(MultiCloudSinkTask.BEHIND_ARCHIVE_METRIC)).isEqualTo(5.0);
        task.put(records(P0, 27, 30));
        awaitUploads(task);
        assertArchived(P0, 30);

        MultiCloudSinkTask strict = start(new RecordingContext(false), Map.of("records.behind.archive", "fail"));
        strict.open(List.of(P0));
        assertThatThrownBy(() -> strict.put(records(P0, 3, 4))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("orders partition 0").hasMessageContaining("offset 3")
                .hasMessageContaining("offset 29").hasMessageContaining("records.behind.archive");
    }

    @Test
    void aNewOwnerRemovesSegmentsBeyondTheIndexBeforeItsFirstSegment() {
        MultiCloudSinkTask first = start(new RecordingContext(false), Map.of());
        first.open(List.of(P0));
        first.put(records(P0, 0, 10));
        awaitUploads(first);
        // An owner that crashed between a segment and its index, with other records than the next owner will see.
        String orphan = LAYOUT.segmentKey(P0, 12, "envelope.avro");
        memory.put(orphan, memory.get(LAYOUT.segmentKey(P0, 0, "envelope.avro")).orElseThrow());
        first.stop();

        MultiCloudSinkTask second = start(new RecordingContext(false), Map.of("flush.size", "7"));
        second.open(List.of(P0));
        second.put(records(P0, 10, 24));
        awaitUploads(second);
        assertThat(memory.get(orphan)).isEmpty();
        assertThat(LAYOUT.segments(memory, P0)).extracting(SegmentKey::firstOffset).containsExactly(0L, 10L, 17L);
        assertArchived(P0, 24);
    }

    @Test
    void offsetsMovePastReportedRecordsSoARebalanceDoesNotReportThemAgain() {
        SinkRecord bad10 = new SinkRecord("orders", 0, null, null, Schema.STRING_SCHEMA, "not bytes", 10);
        SinkRecord bad11 = new SinkRecord("orders", 0, null, null, Schema.STRING_SCHEMA, "not bytes", 11);
        SinkRecord bad0 = new SinkRecord("orders", 1, null, null, Schema.STRING_SCHEMA, "not bytes", 0);
        RecordingContext context = new RecordingContext(true);
        MultiCloudSinkTask task = start(context, Map.of("errors.tolerance", "all"));
        task.open(List.of(P0, P1));
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 10));
        batch.addAll(List.of(bad10, bad11, bad0));
        task.put(batch);
        assertThat(context.reported).containsExactly(bad10, bad11, bad0);
        awaitUploads(task);
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(12), P1, new OffsetAndMetadata(1))))
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(12), P1, new OffsetAndMetadata(1)));
        task.stop();

        RecordingContext next = new RecordingContext(true);
        MultiCloudSinkTask owner = start(next, Map.of("errors.tolerance", "all"));
        owner.open(List.of(P0, P1));
        assertThat(next.rewinds).containsEntry(P0, 12L).containsEntry(P1, 1L);
        owner.put(records(P0, 12, 22));
        owner.put(records(P1, 1, 11));
        awaitUploads(owner);
        assertThat(next.reported).isEmpty();
        List<ArchivedRecord> p1 = archive(P1);
        assertThat(p1).extracting(ArchivedRecord::offset).containsExactlyElementsOf(LongStream.range(1, 11).boxed().toList());
        assertThat(archive(P0)).extracting(ArchivedRecord::offset)
                .containsExactlyElementsOf(LongStream.range(0, 22).filter(o -> o < 10 || o > 11).boxed().toList());
    }

    @Test
    void rotatesOnRecordTimeAndOnWallClock() {
        MultiCloudSinkTask task = start(new RecordingContext(false), Map.of("flush.size", "1000",
                "rotate.interval.ms", "5000", "rotate.schedule.interval.ms", "60000"));
        task.open(List.of(P0, P1));
        task.put(records(P0, 0, 12)); // timestamps 0..11 s: segments [0,5) and [5,10), then 10, 11 buffered
        awaitUploads(task);
        assertThat(LAYOUT.segments(memory, P0)).extracting(SegmentKey::firstOffset).containsExactly(0L, 5L);

        task.put(records(P1, 0, 2));
        clock.addAndGet(59_999);
        task.put(List.of());
        awaitUploads(task);
        assertThat(LAYOUT.segments(memory, P1)).isEmpty();
        clock.addAndGet(1);
        awaitUploads(task);
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(
                P0, new OffsetAndMetadata(12), P1, new OffsetAndMetadata(2)));
        assertThat(committed).containsEntry(P0, new OffsetAndMetadata(12)).containsEntry(P1, new OffsetAndMetadata(2));
        assertArchived(P0, 12);
        assertArchived(P1, 2);
    }

    @Test
    void memoryStaysBoundedWhateverThePartitionCount() {
        long bound = 64 * 1024;
        MultiCloudSinkTask task = start(new RecordingContext(false), Map.of("flush.size", "1000000",
                "max.buffered.bytes", Long.toString(bound)));
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < 200; p++) {
            partitions.add(new TopicPartition("wide", p));
        }
        task.open(partitions);
        for (int round = 0; round < 20; round++) {
            List<SinkRecord> batch = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                batch.addAll(records(partition, round * 5L, round * 5L + 5));
            }
            task.put(batch);
            assertThat(task.bufferedBytes()).isLessThanOrEqualTo(bound);
        }
        awaitUploads(task);
        assertThat(LAYOUT.partitions(memory, "wide")).as("segments written early").isNotEmpty();
        // What was written early is a gapless, duplicate-free prefix of each partition.
        for (TopicPartition partition : partitions.subList(0, 5)) {
            List<Long> offsets = archive(partition).stream().map(ArchivedRecord::offset).toList();
            assertThat(offsets).containsExactlyElementsOf(LongStream.range(0, offsets.size()).boxed().toList());
        }
    }

    @Test
    void theAvroFormatStartsANewSegmentWhenTheSchemaChanges() {
        Schema v1 = SchemaBuilder.struct().name("Order").field("id", Schema.INT32_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("Order").field("id", Schema.INT32_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
        MultiCloudSinkTask task = start(new RecordingContext(false), Map.of("format", "avro", "flush.size", "3"));
        task.open(List.of(P0));
        task.put(List.of(
                new SinkRecord("orders", 0, null, null, v1, new Struct(v1).put("id", 1), 0),
                new SinkRecord("orders", 0, null, null, v2, new Struct(v2).put("id", 2).put("note", "n"), 1),
                new SinkRecord("orders", 0, null, null, v2, new Struct(v2).put("id", 3), 2),
                new SinkRecord("orders", 0, null, null, v2, new Struct(v2).put("id", 4), 3)));
        awaitUploads(task);
        assertThat(LAYOUT.segments(memory, P0)).extracting(SegmentKey::firstOffset).containsExactly(0L, 1L);
        assertThat(archive(P0)).extracting(r -> ((Struct) r.value().value()).getInt32("id")).containsExactly(1, 2, 3, 4);
    }

    @Test
    void closingAPartitionDropsItsBufferForTheNextOwner() {
        MultiCloudSinkTask task = start(new RecordingContext(false), Map.of());
        task.open(List.of(P0, P1));
        task.put(records(P0, 0, 5));
        task.put(records(P1, 0, 12));
        task.close(List.of(P0));
        awaitUploads(task);
        assertThat(task.preCommit(Map.of(P1, new OffsetAndMetadata(12)))).isEqualTo(Map.of(P1, new OffsetAndMetadata(10)));
        assertThat(LAYOUT.segments(memory, P0)).isEmpty();
        assertThat(task.bufferedBytes()).isPositive();
        task.close(List.of(P1));
        assertThat(task.bufferedBytes()).isZero();
    }
}
