package io.mcst.connector.sink;

import static io.mcst.connector.sink.MultiCloudSinkTaskTest.awaitUploads;
import static io.mcst.connector.sink.MultiCloudSinkTaskTest.record;
import static io.mcst.connector.sink.MultiCloudSinkTaskTest.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.replication.ReplicatedStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Segments upload concurrently, and still: the index register never names a segment before it and every earlier
 * one of its partition are at a quorum, the committed offsets are archived ones, and whatever completes out of
 * order, fails or is cut short by a stop, the archive ends up holding each record once, byte-exact.
 */
@Timeout(120) // a hang guard, not a performance assertion: the waits below have no time limit of their own
class SegmentPipelineTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final ArchiveLayout LAYOUT = new ArchiveLayout(SinkConfig.DEFAULT_ARCHIVE_PREFIX);
    private static final String EXTENSION = "envelope.avro";

    private final ReplicatedStore memory = SwitchableStore.replicatedMemory();
    private final SwitchableStore store = new SwitchableStore(memory);
    private final List<MultiCloudSinkTask> tasks = new ArrayList<>();

    @AfterEach
    void stop() {
        store.release();
        tasks.forEach(MultiCloudSinkTask::stop);
        memory.close();
    }

    private MultiCloudSinkTask start(RecordingContext context) {
        Map<String, String> props = new HashMap<>(Map.of("stores", "injected", "flush.size", "10",
                "rotate.schedule.interval.ms", "-1"));
        MultiCloudSinkTask task = new MultiCloudSinkTask(ignored -> store, System::currentTimeMillis);
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    private static String segment(TopicPartition partition, long firstOffset) {
        return LAYOUT.segmentKey(partition, firstOffset, EXTENSION);
    }

    private Optional<PartitionIndex> index(TopicPartition partition) {
        return memory.get(LAYOUT.indexKey(partition)).map(bytes -> PartitionIndex.parse("index", bytes));
    }

    private boolean stored(String key) {
        return memory.get(key).isPresent();
    }

    /**
     * Waits for what the upload threads do in the background, while Connect calls {@code put} with nothing new, as
     * it does after each empty poll (the task learns of completed uploads there). No timing: a test that never
     * gets there fails on the class's timeout.
     */
    private static void waitUntil(MultiCloudSinkTask task, BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            task.put(List.of());
            Thread.onSpinWait();
        }
    }

    private void assertArchived(TopicPartition partition, long count) {
        MultiCloudSinkTaskTest.assertArchived(memory, partition, count);
    }

    @Test
    void segmentsLandingOutOfOrderAreIndexedOnlyOnceTheEarlierOnesLandedWithOneIndexWrite() {
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = start(context);
        task.open(List.of(P0, P1));
        store.hold(key -> key.equals(segment(P0, 0)));
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 30));
        batch.addAll(records(P1, 0, 10));
        task.put(batch); // P0's segments 0, 10, 20 and P1's 0 upload at once; P0's first is held

        waitUntil(task, () -> stored(segment(P0, 20)) && stored(segment(P0, 10)) && index(P1).isPresent());
        task.put(List.of()); // the task learns that 10 and 20 landed
        assertThat(index(P0)).as("segments 10 and 20 are at a quorum, segment 0 is not").isEmpty();
        assertThat(index(P1)).as("another partition is not held up").contains(new PartitionIndex(9, segment(P1, 0)));
        Map<TopicPartition, OffsetAndMetadata> committed = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> task.preCommit(Map.of(P0, new OffsetAndMetadata(30), P1, new OffsetAndMetadata(10))),
                "preCommit must not wait for the held segment: the worker consumes nothing meanwhile");
        assertThat(committed).isEqualTo(Map.of(P1, new OffsetAndMetadata(10)));

        store.release();
        awaitUploads(task);
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(30), P1, new OffsetAndMetadata(10))))
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(30), P1, new OffsetAndMetadata(10)));
        assertThat(index(P0)).contains(new PartitionIndex(29, segment(P0, 20)));
        assertThat(store.puts(key -> key.equals(LAYOUT.indexKey(P0))))
                .as("one index write covers the three segments").isEqualTo(1);
        assertArchived(P0, 30);
        assertArchived(P1, 10);
    }

    @Test
    void aFailedUploadHoldsTheIndexWhileALaterOneLandsAndTheRetryArchivesEachRecordOnce() {
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = start(context);
        task.open(List.of(P0));
        store.failPuts(key -> key.equals(segment(P0, 10)));
        task.put(records(P0, 0, 30));

        awaitUploads(task);
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(30)))).isEqualTo(Map.of(P0, new OffsetAndMetadata(10)));
        assertThat(stored(segment(P0, 20))).as("the later segment landed").isTrue();
        assertThat(index(P0)).as("the index stops before the failed segment").contains(new PartitionIndex(9, segment(P0, 0)));

        List<SinkRecord> next = records(P0, 30, 35);
        assertThatThrownBy(() -> task.put(next)).isInstanceOf(RetriableException.class).hasMessageContaining("redeliver");
        store.heal();
        task.put(next); // Connect's redelivery after the backoff: the failed segment is written again
        task.put(records(P0, 35, 40));
        awaitUploads(task);
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(40)))).isEqualTo(Map.of(P0, new OffsetAndMetadata(40)));
        assertThat(index(P0)).contains(new PartitionIndex(39, segment(P0, 30)));
        assertArchived(P0, 40);
    }

    /** A segment whose blob landed but whose time index entry did not holds the index until a retry writes the entry. */
    @Test
    void aFailedSummaryHoldsTheIndexUntilTheRetryWritesIt() {
        MultiCloudSinkTask task = start(new RecordingContext(false));
        task.open(List.of(P0));
        String summaries = LAYOUT.summaryPrefix(P0, 10);
        store.failPuts(key -> key.startsWith(summaries));
        task.put(records(P0, 0, 30));
        awaitUploads(task);
        assertThat(stored(segment(P0, 10))).as("the blob landed").isTrue();
        assertThat(index(P0)).as("the index stops before the segment without an entry")
                .contains(new PartitionIndex(9, segment(P0, 0)));

        store.heal();
        assertThatThrownBy(() -> task.put(List.of())).isInstanceOf(RetriableException.class);
        task.put(List.of()); // Connect's redelivery after the backoff: the entry is written again, not the blob
        awaitUploads(task);
        assertThat(index(P0)).contains(new PartitionIndex(29, segment(P0, 20)));
        assertThat(store.puts(key -> key.equals(segment(P0, 10)))).as("the blob is not written again").isEqualTo(1);
        assertThat(memory.list(summaries)).hasSize(1);
        assertArchived(P0, 30);
    }

    @Test
    void aTaskStoppedWithUploadsInFlightLeavesTheNextOwnerNoGapAndNoDuplicate() {
        MultiCloudSinkTask first = start(new RecordingContext(false));
        first.open(List.of(P0));
        store.hold(key -> key.equals(segment(P0, 10)));
        first.put(records(P0, 0, 35)); // segments 0, 10 (held) and 20 upload; 30..34 stay open
        waitUntil(first, () -> stored(segment(P0, 20)) && index(P0).isPresent());
        first.stop(); // segment 10 still in flight
        store.release();

        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask next = start(context);
        next.open(List.of(P0));
        assertThat(context.rewinds).containsEntry(P0, 10L);
        next.put(records(P0, 10, 45));
        awaitUploads(next);
        assertThat(next.preCommit(Map.of(P0, new OffsetAndMetadata(45)))).isEqualTo(Map.of(P0, new OffsetAndMetadata(40)));
        assertArchived(P0, 40);
    }

    @Test
    void closingAPartitionWaitsForItsUploadsSoNoIndexLandsAfterIt() {
        MultiCloudSinkTask task = start(new RecordingContext(false));
        task.open(List.of(P0));
        store.hold(key -> key.equals(segment(P0, 10)));
        task.put(records(P0, 0, 20));
        waitUntil(task, () -> index(P0).isPresent());

        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> task.close(List.of(P0)));
        store.release();
        closing.join();
        Optional<PartitionIndex> afterClose = index(P0);
        assertThat(afterClose).as("segment 10 landed after the close began, but is not indexed")
                .contains(new PartitionIndex(9, segment(P0, 0)));
        assertThat(store.puts(key -> key.equals(LAYOUT.indexKey(P0)))).isEqualTo(1);

        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask next = start(context);
        next.open(List.of(P0));
        assertThat(context.rewinds).containsEntry(P0, 10L);
        next.put(records(P0, 10, 20));
        awaitUploads(next);
        assertArchived(P0, 20);
    }
}
