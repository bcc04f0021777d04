package io.mcst.connector.source;

import static io.mcst.connector.source.ArchiveFixture.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ReplayOffsetMap;
import io.mcst.connector.archive.ReplayOffsetMap.Run;
import io.mcst.connector.archive.ReplayOffsetMap.Unmapped;
import io.mcst.connector.format.RecordFormats;
import io.mcst.stack.MetricsScope;
import io.mcst.stack.StoreStack;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultiCloudSourceTaskTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("MultiCloudSourceTaskTest");

    private final String storeName = "task-test-" + UUID.randomUUID();
    private final Map<String, String> props = new HashMap<>(SourceConfigTest.minimal());
    private final Map<Map<String, Object>, Map<String, Object>> storedOffsets = new HashMap<>();
    private final Map<String, Integer> targetPartitions = new HashMap<>();
    private final KeyValueStore store;
    private final ArchiveFixture archive;
    private MultiCloudSourceTask task;

    MultiCloudSourceTaskTest() {
        props.put("name", "restore-orders"); // what Connect puts into every task configuration
        props.put("stores", storeName);
        props.put("store." + storeName + ".type", "memory");
        props.put("topic.rename.format", "${topic}-restored");
        props.put("archive.poll.interval.ms", "20");
        store = StoreStack.open(props, SCOPE);
        archive = new ArchiveFixture(store);
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        store.close();
    }

    @Test
    void replaysAssignedPartitionsRoundRobinInBatches() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 1, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 2, 0, 5));
        targetPartitions.put("orders-restored", 3);
        props.put("batch.size", "4");
        start("orders:0,orders:2");

        List<SourceRecord> replayed = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                batchSizes.add(batch.size());
                replayed.addAll(batch);
            }
        }

        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(4));
        assertThat(replayed).extracting(SourceRecord::kafkaPartition).containsOnly(0, 2).hasSize(10);
        assertThat(replayed.stream().filter(r -> r.kafkaPartition() == 2).map(r -> new String((byte[]) r.value())))
                .containsExactly("v0", "v1", "v2", "v3", "v4");
        assertThat(replayed).extracting(SourceRecord::topic).containsOnly("orders-restored");
    }

    @Test
    void staysOnAPartitionUntilItsSegmentIsReplayedSoOneSegmentIsHeldAtATime() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 2, 0, 5));
        targetPartitions.put("orders-restored", 3);
        props.put("batch.size", "3");
        start("orders:0,orders:2");

        List<List<Integer>> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(nextBatch().stream().map(SourceRecord::kafkaPartition).toList());
        }

        // Whichever partition's segment arrives first, the task hands it over whole before the other's.
        assertThat(batches).extracting(List::size).containsExactly(3, 3, 3, 1);
        List<Integer> order = batches.stream().flatMap(List::stream).toList();
        int first = order.get(0);
        int second = first == 0 ? 2 : 0;
        assertThat(order).containsExactly(first, first, first, first, first, second, second, second, second, second);
    }

    @Test
    void resumesFromTheOffsetsTheWorkerStored() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 1, 0, 5));
        targetPartitions.put("orders-restored", 2);
        storedOffsets.put(ReplayPosition.sourcePartition("orders", 1), Map.of("segment", 0L, "index", 2L));
        start("orders:1");

        List<SourceRecord> batch = nextBatch();

        assertThat(batch).extracting(r -> new String((byte[]) r.value())).containsExactly("v3", "v4");
    }

    /**
     * The next batch the task hands over: polls until it has one, as the worker does (a partition's segment is
     * fetched on the read-ahead threads, and the polls before it arrives hand over nothing).
     */
    private List<SourceRecord> nextBatch() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                return batch;
            }
        }
        throw new AssertionError("the task handed over no records in 10 s");
    }

    @Test
    void aReplayBoundedByEndTimeStopsReadingTheArchiveOnceEveryPartitionIsPastIt() throws InterruptedException {
        for (int partition = 0; partition < 2; partition++) {
            for (long first = 0; first < 30; first += 10) { // timestamps 1000 + offset
                archive.append(RecordFormats.ENVELOPE, records("orders", partition, first, 10));
            }
        }
        targetPartitions.put("orders-restored", 2);
        props.put("end.time", "1015");
        AtomicInteger storeCalls = new AtomicInteger();
        start("orders:0,orders:1", props -> new ForwardingKeyValueStore(StoreStack.open(props, SCOPE)) {
            @Override
            public Optional<byte[]> get(String key) {
                storeCalls.incrementAndGet();
                return super.get(key);
            }

            @Override
            public List<String> list(String prefix) {
                storeCalls.incrementAndGet();
                return super.list(prefix);
            }
        });

        List<SourceRecord> replayed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                replayed.addAll(batch);
            }
        }
        assertThat(replayed).hasSize(30).allSatisfy(r -> assertThat(r.timestamp()).isLessThan(1015L));
        int calls = storeCalls.get();
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 30, 10));
        assertThat(task.poll()).isNull();
        assertThat(storeCalls.get()).as("no listing or read once the window is complete").isEqualTo(calls);
    }

    @Test
    void aTargetTopicWithTooFewPartitionsFailsAtStartNamingIt() {
        targetPartitions.put("orders-restored", 3);

        assertThatThrownBy(() -> start("orders:1,orders:5")).isInstanceOf(ConnectException.class)
                .hasMessageContaining("'orders-restored' has 3 partitions").hasMessageContaining("orders-5");
    }

    @Test
    void aMissingTargetTopicFailsAtStartNamingIt() {
        assertThatThrownBy(() -> start("orders:4")).isInstanceOf(ConnectException.class)
                .hasMessageContaining("'orders-restored' does not exist").hasMessageContaining("at least 5 partitions");
    }

    @Test
    void anIdlePollWaitsAndStopEndsTheWait() throws Exception {
        targetPartitions.put("orders-restored", 1);
        props.put("archive.poll.interval.ms", "600000");
        start("orders:0");
        assertThat(task.poll()).isNull();

        CompletableFuture<List<SourceRecord>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return task.poll();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        task.stop();

        assertThat(waiting.get(30, TimeUnit.SECONDS)).isNull();
    }

    /** Offsets 0..4, then (compaction removed 5..9) 10..12, then 13..14 and (removed 15..17) 18..19, in three segments. */
    private static final List<Long> COMPACTED = List.of(0L, 1L, 2L, 3L, 4L, 10L, 11L, 12L, 13L, 14L, 18L, 19L);

    private void appendCompacted(List<Long> offsets, int segmentSize) {
        for (int from = 0; from < offsets.size(); from += segmentSize) {
            archive.append(RecordFormats.ENVELOPE, offsets.subList(from, Math.min(offsets.size(), from + segmentSize)).stream()
                    .map(offset -> ArchiveFixture.record("orders", 0, offset)).toList());
        }
    }

    /** Polls until {@code count} records came, acknowledging each as the producer would, at target offsets from {@code target}. */
    private List<SourceRecord> replayAndAcknowledge(int count, long target) throws InterruptedException {
        List<SourceRecord> replayed = new ArrayList<>();
        for (int polls = 0; replayed.size() < count && polls < 100; polls++) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                replayed.addAll(batch);
            }
        }
        assertThat(replayed).hasSize(count);
        for (SourceRecord record : replayed) {
            task.commitRecord(record, new RecordMetadata(new TopicPartition(record.topic(), record.kafkaPartition()),
                    target++, 0, 0, 0, 0));
        }
        return replayed;
    }

    private ReplayOffsetMap storedMap() {
        return archive.layout.replayMap(store, "restore-orders", new TopicPartition("orders", 0)).orElseThrow();
    }

    @Test
    void recordsWhereEachArchivedOffsetLandedAsRunsAcrossCompactionGaps() throws InterruptedException {
        appendCompacted(COMPACTED, 5);
        targetPartitions.put("orders-restored", 1);
        start("orders:0");
        List<SourceRecord> replayed = replayAndAcknowledge(COMPACTED.size(), 0);
        // A record a transform dropped: no metadata, not in the map.
        task.commitRecord(replayed.get(0), null);
        assertThat(archive.layout.replayMap(store, "restore-orders", new TopicPartition("orders", 0))).isEmpty();

        task.commit();

        ReplayOffsetMap map = storedMap();
        assertThat(map.target()).isEqualTo(new TopicPartition("orders-restored", 0));
        assertThat(map.entries()).containsExactly(new Run(0, 0, 5), new Run(10, 5, 5), new Run(18, 10, 2));
        assertThat(map.targetFor(7)).hasValue(5);
        assertThat(map.targetFor(15)).hasValue(10);
        assertThat(map.targetFor(20)).hasValue(12);
    }

    /** Writing the offset maps at a commit takes a quorum round: the task's polls go on meanwhile. */
    @Test
    void aCommitWritingTheOffsetMapsDoesNotHoldUpPolls() throws Exception {
        appendCompacted(COMPACTED, 5);
        targetPartitions.put("orders-restored", 1);
        props.put("batch.size", "5");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start("orders:0", props -> new ForwardingKeyValueStore(StoreStack.open(props, SCOPE)) {
            @Override
            public void put(String key, byte[] value) {
                if (key.contains("@replays")) {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.put(key, value);
            }
        });
        replayAndAcknowledge(5, 0);
        Thread committer = new Thread(task::commit, "commit");
        committer.start();
        try {
            assertThat(held.await(10, TimeUnit.SECONDS)).as("the commit writes the offset map").isTrue();
            List<SourceRecord> next = assertTimeoutPreemptively(Duration.ofSeconds(10), this::nextBatch,
                    "a poll while the commit's write is held");
            assertThat(next).isNotEmpty();
        } finally {
            release.countDown();
            committer.join(10_000);
        }
        assertThat(storedMap().entries()).containsExactly(new Run(0, 0, 5));
    }

    @Test
    void aRestartExtendsTheStoredMap() throws InterruptedException {
        appendCompacted(COMPACTED.subList(0, 8), 4);
        targetPartitions.put("orders-restored", 1);
        start("orders:0");
        List<SourceRecord> first = replayAndAcknowledge(8, 100);
        task.commit();
        task.stop();
        // Connect stored the source offset of the last record; the archive grew meanwhile.
        SourceRecord last = first.get(first.size() - 1);
        storedOffsets.put(ReplayPosition.sourcePartition("orders", 0), new HashMap<>(last.sourceOffset()));
        appendCompacted(COMPACTED.subList(8, COMPACTED.size()), 4);

        start("orders:0");
        replayAndAcknowledge(4, 108);
        task.stop(); // a clean stop writes the map too

        assertThat(storedMap().entries()).containsExactly(new Run(0, 100, 5), new Run(10, 105, 5), new Run(18, 110, 2));
    }

    @Test
    void recordsReplayedAgainAfterACrashReplaceTheirMappingAndUnrecordedOnesAreUnmapped() throws InterruptedException {
        appendCompacted(COMPACTED, 4);
        targetPartitions.put("orders-restored", 1);
        start("orders:0");
        List<SourceRecord> first = replayAndAcknowledge(8, 0); // archived 0..4, 10..12 at 0..7
        task.commit();
        // A crash: the worker had stored the offset of archived 3 only, so 4.. are replayed again, at 8..
        task.stop(); // nothing changed since the commit: stopping writes nothing a crash would not have
        storedOffsets.put(ReplayPosition.sourcePartition("orders", 0), new HashMap<>(first.get(3).sourceOffset()));
        start("orders:0");
        replayAndAcknowledge(8, 8);
        task.commit();
        assertThat(storedMap().entries()).containsExactly(new Run(0, 0, 4), new Run(4, 8, 1), new Run(10, 9, 5),
                new Run(18, 14, 2));
        assertThat(storedMap().targetFor(4)).hasValue(8);

        // Another crash, after Connect stored the offset of archived 19 but before the map had 13..19.
        store.put(archive.layout.replayMapKey("restore-orders", new TopicPartition("orders", 0)),
                new ReplayOffsetMap("restore-orders", new TopicPartition("orders", 0),
                        new TopicPartition("orders-restored", 0), List.of(new Run(0, 0, 4), new Run(4, 8, 1),
                        new Run(10, 9, 3))).toBytes());
        task.stop();
        storedOffsets.put(ReplayPosition.sourcePartition("orders", 0), Map.of("segment", 13L, "index", 3L, "offset", 19L));
        archive.append(RecordFormats.ENVELOPE, List.of(ArchiveFixture.record("orders", 0, 20)));
        start("orders:0");
        replayAndAcknowledge(1, 16);
        task.commit();

        ReplayOffsetMap map = storedMap();
        assertThat(map.entries()).containsExactly(new Run(0, 0, 4), new Run(4, 8, 1), new Run(10, 9, 3),
                new Unmapped(13, 19, 12), new Run(20, 16, 1));
        assertThat(map.targetFor(13)).hasValue(12);
        assertThat(map.targetFor(19)).hasValue(12);
        assertThat(map.targetFor(20)).hasValue(16);
    }

    @Test
    void aPartitionReplaysOnlyOnceItsStoredMapIsRead() throws InterruptedException {
        appendCompacted(COMPACTED.subList(0, 4), 4);
        targetPartitions.put("orders-restored", 1);
        AtomicInteger mapReadsToFail = new AtomicInteger(1);
        start("orders:0", props -> new ForwardingKeyValueStore(StoreStack.open(props, SCOPE)) {
            @Override
            public Optional<byte[]> get(String key) {
                if (key.contains("/@replays/") && mapReadsToFail.getAndDecrement() > 0) {
                    throw new StoreUnavailableException("no quorum");
                }
                return super.get(key);
            }
        });
        assertThat(task.poll()).isNull(); // backing off before reading the map again
        replayAndAcknowledge(4, 0);
        task.commit();
        assertThat(storedMap().entries()).containsExactly(new Run(0, 0, 4));
    }

    /** A partition whose segment the stores are slow to give does not hold up the task's other partitions. */
    @Test
    void aSlowSegmentOfOnePartitionDoesNotHoldUpAnother() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 1, 0, 5));
        targetPartitions.put("orders-restored", 2);
        String held = archive.layout.segmentKey(new TopicPartition("orders", 0), 0, "envelope.avro");
        CountDownLatch release = new CountDownLatch(1);
        start("orders:0,orders:1", props -> new ForwardingKeyValueStore(StoreStack.open(props, SCOPE)) {
            @Override
            public Optional<byte[]> get(String key) {
                if (key.equals(held)) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.get(key);
            }
        });

        List<SourceRecord> replayed = new ArrayList<>();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                while (replayed.size() < 5) {
                    List<SourceRecord> batch = task.poll();
                    if (batch != null) {
                        replayed.addAll(batch);
                    }
                }
            }, "partition 1's records while partition 0's segment is held");
        } finally {
            release.countDown();
        }
        assertThat(replayed).extracting(SourceRecord::kafkaPartition).containsOnly(1);
        while (replayed.size() < 10) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                replayed.addAll(batch);
            }
        }
        assertThat(replayed.stream().filter(r -> r.kafkaPartition() == 0).map(r -> new String((byte[]) r.value())))
                .containsExactly("v0", "v1", "v2", "v3", "v4");
    }

    @Test
    void segmentsFetchedAheadOutOfOrderStillReachTheWorkerInArchivedOrder() throws InterruptedException {
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 0, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 5, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 0, 10, 5));
        archive.append(RecordFormats.ENVELOPE, records("orders", 1, 0, 5));
        targetPartitions.put("orders-restored", 2);
        props.put("batch.size", "3");
        String slow = archive.layout.segmentKey(new TopicPartition("orders", 0), 5, "envelope.avro");
        String fast = archive.layout.segmentKey(new TopicPartition("orders", 0), 10, "envelope.avro");
        CountDownLatch fastRead = new CountDownLatch(1);
        AtomicBoolean overtaken = new AtomicBoolean();
        Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
        start("orders:0,orders:1", props -> new ForwardingKeyValueStore(StoreStack.open(props, SCOPE)) {
            @Override
            public Optional<byte[]> get(String key) {
                gets.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                if (key.equals(slow)) {
                    try { // answers only after the later segment did: needs both fetched at once, ahead of the replay
                        overtaken.set(fastRead.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                Optional<byte[]> value = super.get(key);
                if (key.equals(fast)) {
                    fastRead.countDown();
                }
                return value;
            }
        });

        List<SourceRecord> replayed = new ArrayList<>();
        while (replayed.size() < 20) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                replayed.addAll(batch);
            }
        }

        assertThat(overtaken).as("segment 10 was read before segment 5 answered").isTrue();
        assertThat(replayed.stream().filter(r -> r.kafkaPartition() == 0).map(r -> new String((byte[]) r.value())))
                .containsExactlyElementsOf(IntStream.range(0, 15).mapToObj(o -> "v" + o).toList());
        assertThat(replayed.stream().filter(r -> r.kafkaPartition() == 1).map(r -> new String((byte[]) r.value())))
                .containsExactly("v0", "v1", "v2", "v3", "v4");
        assertThat(gets.get(slow)).as("a segment fetched ahead is not read again").hasValue(1);
        assertThat(gets.get(fast)).hasValue(1);
    }

    private void start(String partitions) {
        start(partitions, taskConfig -> StoreStack.open(taskConfig, SCOPE));
    }

    private void start(String partitions, Function<Map<String, String>, KeyValueStore> storeOpener) {
        task = new MultiCloudSourceTask(storeOpener, config -> new FakeTargets(), System::currentTimeMillis);
        task.initialize(new FakeContext());
        Map<String, String> taskProps = new HashMap<>(props);
        taskProps.put(SourceConfig.TASK_PARTITIONS_CONFIG, partitions);
        task.start(taskProps);
    }

    private final class FakeTargets implements TargetTopics {
        @Override
        public OptionalInt partitionCount(String topic) {
            Integer count = targetPartitions.get(topic);
            return count == null ? OptionalInt.empty() : OptionalInt.of(count);
        }

        @Override
        public void close() {}
    }

    private final class FakeContext implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return props;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new OffsetStorageReader() {
                @Override
                public <T> Map<String, Object> offset(Map<String, T> partition) {
                    return storedOffsets.get(partition);
                }

                @Override
                public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                    Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
                    partitions.forEach(p -> found.put(p, storedOffsets.get(p)));
                    return found;
                }
            };
        }

        @Override
        public PluginMetrics pluginMetrics() {
            throw new UnsupportedOperationException("not used by the task");
        }
    }
}
