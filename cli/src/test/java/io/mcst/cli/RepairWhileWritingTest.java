package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import static io.mcst.cli.SinkDriver.TEST_SCOPE;

import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repair racing the sink on a seeded random schedule, while replicas at one store keep getting lost or
 * corrupted: the sink never finds its index register moved back (it would stop), and no record is lost.
 */
class RepairWhileWritingTest {
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));

    @TempDir
    Path dir;

    @Test
    void repairAndTheSinkRunningAtOnceLoseNothing() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Map<String, String> props = DirectoryArchive.props(dir, 3);
        Path config = DirectoryArchive.writeProperties(dir.resolve("sink.properties"), props);
        List<SinkRecord> written = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        long sinkSeed = random.nextLong();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            Random schedule = new Random(sinkSeed);
            try (SinkDriver sink = new SinkDriver(props, PARTITIONS)) {
                long[] next = new long[PARTITIONS.size()];
                for (int batch = 0; batch < 60; batch++) {
                    int p = schedule.nextInt(PARTITIONS.size());
                    int count = 1 + schedule.nextInt(40);
                    List<SinkRecord> records = SinkDriver.records(PARTITIONS.get(p), next[p], next[p] + count, LocalArchiveTest.BASE_TIME);
                    next[p] += count;
                    sink.put(records);
                    written.addAll(records);
                    sleep(schedule.nextInt(20));
                }
            } finally {
                done.set(true);
            }
        });
        long chaosSeed = random.nextLong();
        AtomicInteger damaged = new AtomicInteger();
        CompletableFuture<Void> chaos = CompletableFuture.runAsync(() -> {
            // Only store s2 loses or corrupts copies, so every key stays at a quorum (s0, s1) for the sink.
            Random schedule = new Random(chaosSeed);
            List<KeyValueStore> stores = StoreStack.openBaseStores(props, TEST_SCOPE);
            try {
                while (!done.get()) {
                    List<String> keys = stores.get(2).list("");
                    if (!keys.isEmpty()) {
                        String key = keys.get(schedule.nextInt(keys.size()));
                        if (schedule.nextBoolean()) {
                            stores.get(2).remove(key);
                        } else {
                            stores.get(2).get(key).ifPresent(bytes -> {
                                bytes[schedule.nextInt(bytes.length)] ^= 0x01;
                                stores.get(2).put(key, bytes);
                            });
                        }
                        damaged.incrementAndGet();
                    }
                    sleep(5 + schedule.nextInt(30));
                }
            } finally {
                stores.forEach(KeyValueStore::close);
            }
        });
        int repairs = 0;
        long repairSeed = random.nextLong();
        Random schedule = new Random(repairSeed);
        while (!done.get()) {
            CliRun repair = CliRun.of("repair", "-c", config.toString());
            assertThat(repair.exitCode()).as("seed %s: %s", seed, repair).isIn(0, 1);
            repairs++;
            sleep(schedule.nextInt(50));
        }
        writing.get(2, TimeUnit.MINUTES); // throws if the sink found its index register lowered
        chaos.get(1, TimeUnit.MINUTES);
        assertThat(repairs).as("repairs raced the sink").isGreaterThan(1);
        assertThat(damaged.get()).as("copies damaged meanwhile").isGreaterThan(3);

        CliRun repair = CliRun.of("repair", "-c", config.toString());
        assertThat(repair.exitCode()).as("seed %s: %s", seed, repair).isZero();
        CliRun verify = CliRun.of("verify", "-c", config.toString());
        assertThat(verify.exitCode()).as("seed %s, %s repairs, %s damaged copies: %s", seed, repairs, damaged.get(), verify).isZero();
        ThreeCloudsRepairTest.assertReadsBackByteExact(props, written);
        ArchiveLayout layout = new ArchiveLayout("kafka-archive");
        try (KeyValueStore archive = StoreStack.open(props, TEST_SCOPE)) {
            for (TopicPartition partition : PARTITIONS) {
                long last = written.stream().filter(r -> r.kafkaPartition() == partition.partition())
                        .mapToLong(SinkRecord::kafkaOffset).max().orElse(-1);
                String indexKey = layout.indexKey(partition);
                assertThat(PartitionIndex.parse(indexKey, archive.get(indexKey).orElseThrow()).lastOffset())
                        .as("seed %s: the index register is at the newest segment", seed).isEqualTo(last);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
