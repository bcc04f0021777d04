package io.mcst.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.format.ArchivedRecord;
import io.mcst.replication.ReplicatedStore;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The task's buffers stay under max.buffered.bytes however many partitions it owns, and writing segments
 * early under that pressure loses nothing. Prints the heap the task holds, for 6 vs 600 partitions.
 */
class MemoryBoundTest {
    private static final long BOUND = 4L << 20;
    private static final int RECORDS = 120_000;
    private static final int BATCH = 500;

    @ParameterizedTest
    @ValueSource(ints = {6, 600})
    void buffersStayBoundedAndTheArchiveIsComplete(int partitionCount) {
        ReplicatedStore memory = SwitchableStore.replicatedMemory();
        MultiCloudSinkTask task = new MultiCloudSinkTask(props -> new SwitchableStore(memory), System::currentTimeMillis);
        task.initialize(new RecordingContext(false));
        task.start(Map.of("stores", "injected", "flush.size", "100000", "rotate.schedule.interval.ms", "-1",
                "max.buffered.bytes", Long.toString(BOUND)));
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < partitionCount; p++) {
            partitions.add(new TopicPartition("wide", p));
        }
        task.open(partitions);
        long heapBefore = usedHeapAfterGc();
        long maxBuffered = 0;
        byte[] value = new byte[200];
        for (int start = 0; start < RECORDS; start += BATCH) {
            List<SinkRecord> batch = new ArrayList<>(BATCH);
            for (int i = start; i < start + BATCH; i++) {
                batch.add(new SinkRecord("wide", i % partitionCount, Schema.BYTES_SCHEMA, new byte[8], Schema.BYTES_SCHEMA,
                        value, i / partitionCount, (long) i, TimestampType.CREATE_TIME, new ConnectHeaders()));
            }
            task.put(batch);
            maxBuffered = Math.max(maxBuffered, task.bufferedBytes());
        }
        long heapHeld = usedHeapAfterGc() - heapBefore;
        long archivedBytes = memory.list("").stream().mapToLong(key -> memory.get(key).orElseThrow().length).sum();
        System.out.printf("%d partitions: buffers peaked at %d KiB (bound %d KiB); heap held after GC by the task "
                        + "%d KiB (plus %d KiB of archive blobs in the memory store)%n", partitionCount, maxBuffered >> 10,
                BOUND >> 10, (heapHeld - archivedBytes) >> 10, archivedBytes >> 10);
        assertThat(maxBuffered).isLessThanOrEqualTo(BOUND);

        // What was written early is each partition's records once, in order, and a new owner of the
        // partitions commits exactly what is archived.
        MultiCloudSinkTaskTest.awaitUploads(task);
        task.stop();
        MultiCloudSinkTask drain = new MultiCloudSinkTask(props -> new SwitchableStore(memory), System::currentTimeMillis);
        drain.initialize(new RecordingContext(false));
        drain.start(Map.of("stores", "injected"));
        drain.open(partitions);
        long archived = 0;
        for (TopicPartition partition : partitions) {
            long next = 0;
            for (ArchivedRecord record : MultiCloudSinkTaskTest.archived(memory, partition)) {
                assertThat(record.offset()).isEqualTo(next++);
                archived++;
            }
        }
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        partitions.forEach(partition -> current.put(partition, new OffsetAndMetadata(RECORDS / partitionCount)));
        long committed = drain.preCommit(current).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        assertThat(committed).as("offsets committed = records archived").isEqualTo(archived);
        assertThat(archived).as("segments written early under memory pressure").isGreaterThan(0);
        drain.stop();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
