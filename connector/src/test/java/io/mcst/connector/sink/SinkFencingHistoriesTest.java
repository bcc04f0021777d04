package io.mcst.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.SharedStoreView;
import io.mcst.stores.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded histories of a zombie task (it missed a rebalance and keeps receiving records from where it was) and
 * the partition's rightful owner, their puts interleaved at random, each task on its own replicated store over
 * three shared stores, one of which is down, slow or flaky. Whatever the interleaving: the owner never fails and
 * is never fenced off, the zombie stops writing the partition at its first write after the takeover, and the
 * archive holds each offset up to its index exactly once, byte-exact, with no segment left beside it.
 */
class SinkFencingHistoriesTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final ArchiveLayout LAYOUT = new ArchiveLayout(SinkConfig.DEFAULT_ARCHIVE_PREFIX);
    private static final int RECORDS = 200;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("mcst.sink.histories", 40));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aZombieInterleavedWithATakeoverNeverCostsTheOwnerOrTheArchive(long seed) {
        Random random = new Random(seed);
        List<MemoryStore> clouds = List.of(new MemoryStore("s0"), new MemoryStore("s1"), new MemoryStore("s2"));
        int faultyIndex = random.nextInt(3);
        FaultInjectingStore faulty = new FaultInjectingStore(new SharedStoreView(clouds.get(faultyIndex)));
        switch (random.nextInt(3)) {
            case 0 -> faulty.crash();
            case 1 -> faulty.delayRandomly(Duration.ofMillis(3), seed);
            default -> faulty.flaky(0.5, seed);
        }
        List<ReplicatedStore> clients = new ArrayList<>();
        List<MultiCloudSinkTask> tasks = new ArrayList<>();
        try {
            RecordingContext zombieContext = new RecordingContext(false);
            MultiCloudSinkTask zombie = start(zombieContext, client(clouds, faultyIndex, faulty, clients), random, tasks);
            zombie.open(List.of(P0));
            long zombieNext = deliver(zombie, 0, random.nextInt(60));
            zombie.flush(Map.of()); // its uploads so far end before the takeover; later ones start after it

            RecordingContext ownerContext = new RecordingContext(false);
            MultiCloudSinkTask owner = start(ownerContext, client(clouds, faultyIndex, faulty, clients), random, tasks);
            owner.open(List.of(P0));
            long ownerNext = ownerContext.rewinds.get(P0);
            boolean zombieWroteAfterTakeover = false;
            while (ownerNext < RECORDS) {
                if (random.nextBoolean()) {
                    int before = zombieContext.paused.size();
                    zombieNext = deliver(zombie, zombieNext, 1 + random.nextInt(15));
                    zombieWroteAfterTakeover |= zombieContext.paused.size() > before;
                } else {
                    ownerNext = deliver(owner, ownerNext, 1 + random.nextInt(15));
                }
            }
            zombie.flush(Map.of());
            owner.flush(Map.of());
            assertThat(ownerContext.paused).as("the owner is never fenced off").isEmpty();
            if (zombieWroteAfterTakeover) {
                assertThat(zombieContext.paused).containsExactly(P0);
            }

            KeyValueStore archive = clients.get(1);
            long indexed = PartitionIndex.parse("index", archive.get(LAYOUT.indexKey(P0)).orElseThrow()).lastOffset();
            List<Long> offsets = new ArrayList<>();
            for (ArchivedRecord read : MultiCloudSinkTaskTest.archived(archive, P0)) {
                SinkRecord expected = MultiCloudSinkTaskTest.record(P0, read.offset());
                assertThat((byte[]) read.value().value()).isEqualTo((byte[]) expected.value());
                offsets.add(read.offset());
            }
            assertThat(offsets).as("seed %d", seed).containsExactlyElementsOf(LongStream.rangeClosed(0, indexed).boxed().toList());
            assertThat(indexed).isGreaterThanOrEqualTo(RECORDS - 1 - 12L); // at most one unflushed segment
        } finally {
            faulty.heal();
            tasks.forEach(MultiCloudSinkTask::stop);
            clients.forEach(ReplicatedStore::close);
        }
    }

    /** A task's own replicated store (its own writer id) over the shared clouds, the faulty one through its faults. */
    private static ReplicatedStore client(List<MemoryStore> clouds, int faultyIndex, FaultInjectingStore faulty,
            List<ReplicatedStore> clients) {
        List<KeyValueStore> views = new ArrayList<>();
        for (int i = 0; i < clouds.size(); i++) {
            views.add(new SharedStoreView(i == faultyIndex ? faulty : clouds.get(i)));
        }
        ReplicatedStore client = new ReplicatedStore(views, ReplicationOptions.defaults());
        clients.add(client);
        return client;
    }

    private static MultiCloudSinkTask start(RecordingContext context, ReplicatedStore store, Random random,
            List<MultiCloudSinkTask> tasks) {
        Map<String, String> props = new HashMap<>(Map.of("stores", "injected", "flush.size",
                Integer.toString(3 + random.nextInt(10)), "rotate.schedule.interval.ms", "-1"));
        MultiCloudSinkTask task = new MultiCloudSinkTask(ignored -> store, () -> 0L);
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    /** Hands {@code task} the records [from, from + count) as its consumer would; returns the next offset. */
    private static long deliver(MultiCloudSinkTask task, long from, int count) {
        long to = Math.min(from + count, RECORDS);
        task.put(MultiCloudSinkTaskTest.records(P0, from, to));
        return to;
    }
}
