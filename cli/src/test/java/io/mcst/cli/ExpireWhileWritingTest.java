package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import static io.mcst.cli.SinkDriver.TEST_SCOPE;

import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention while the sink keeps archiving: exactly the old segments go, nothing new is lost. */
class ExpireWhileWritingTest {
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
    private static final int PER_SEGMENT = 50;
    private static final int SEGMENTS = 40;

    @TempDir
    Path dir;

    @Test
    void expireRemovesExactlyTheSegmentsOlderThanTheBoundWhileTheSinkWrites() throws Exception {
        Map<String, String> props = DirectoryArchive.props(dir, 3);
        Path config = DirectoryArchive.writeProperties(dir.resolve("sink.properties"), props);
        List<SinkRecord> written = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch halfWritten = new CountDownLatch(1);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try (SinkDriver sink = new SinkDriver(props, PARTITIONS)) {
                for (int segment = 0; segment < SEGMENTS; segment++) {
                    for (TopicPartition partition : PARTITIONS) {
                        List<SinkRecord> batch = SinkDriver.records(partition, (long) segment * PER_SEGMENT,
                                (long) (segment + 1) * PER_SEGMENT, LocalArchiveTest.BASE_TIME);
                        sink.put(batch);
                        written.addAll(batch);
                    }
                    if (segment == SEGMENTS / 2) {
                        halfWritten.countDown();
                    }
                }
            }
        });
        assertThat(halfWritten.await(2, TimeUnit.MINUTES)).isTrue();
        // Records are 1 s apart: every record of the first 10 segments (offsets 0..499) is before the bound.
        long bound = LocalArchiveTest.BASE_TIME + 500 * 1000L;
        CliRun expire = CliRun.of("expire", "-c", config.toString(), "--before", Long.toString(bound));
        writing.get(2, TimeUnit.MINUTES);

        assertThat(expire.exitCode()).as(expire.toString()).isZero();
        List<String> expired = new ArrayList<>();
        Matcher m = Pattern.compile("expired (\\S+) \\(").matcher(expire.out());
        while (m.find()) {
            expired.add(m.group(1));
        }
        ArchiveLayout layout = new ArchiveLayout("kafka-archive");
        List<String> expected = new ArrayList<>();
        for (TopicPartition partition : PARTITIONS) {
            for (int segment = 0; segment < 10; segment++) {
                expected.add(layout.segmentKey(partition, (long) segment * PER_SEGMENT, "envelope.avro"));
            }
        }
        assertThat(expired).containsExactlyElementsOf(expected);
        try (KeyValueStore archive = StoreStack.open(props, TEST_SCOPE)) {
            for (TopicPartition partition : PARTITIONS) {
                List<Long> firstOffsets = layout.segments(archive, partition).stream().map(SegmentKey::firstOffset).toList();
                List<Long> remaining = new ArrayList<>();
                for (int segment = 10; segment < SEGMENTS; segment++) {
                    remaining.add((long) segment * PER_SEGMENT);
                }
                assertThat(firstOffsets).containsExactlyElementsOf(remaining);
                assertThat(layout.listPartition(archive, partition).summaries().keySet()).containsExactlyInAnyOrderElementsOf(remaining);
            }
        }
        // Stragglers of the stopped sink's last writes aside, the archive is whole and holds every newer record.
        assertThat(CliRun.of("repair", "-c", config.toString()).exitCode()).isZero();
        CliRun verify = CliRun.of("verify", "-c", config.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        ThreeCloudsRepairTest.assertReadsBackByteExact(props, written.stream().filter(r -> r.kafkaOffset() >= 500).toList());
    }
}
