package io.mcst.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a sink or a replay has come, measured from Kafka's side, and waiting for it. */
final class Progress {
    /** One measurement; may throw to abort the wait (e.g. when a connector has failed). */
    interface Count {
        long get() throws Exception;
    }

    private Progress() {}

    /**
     * Records a sink connector has committed: Connect commits only offsets the sink reports from
     * {@code preCommit}, i.e. records whose segments a quorum of stores acknowledged.
     */
    static long archived(Admin admin, String sinkConnector) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets("connect-" + sinkConnector).partitionsToOffsetAndMetadata().get();
        return committed.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /** Records in {@code topic}: the sum of its partitions' end offsets. */
    static long records(Admin admin, String topic) throws ExecutionException, InterruptedException {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    /** Polls {@code count} every second until it reaches {@code total}, reporting each change. */
    static void await(String what, long total, Duration timeout, Count count, Consumer<String> report) throws Exception {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        long last = -1;
        while (true) {
            long now = count.get();
            if (now != last) {
                report.accept("  " + what + " " + now + " / " + total + " records after "
                        + Duration.between(start, Instant.now()).toSeconds() + " s");
                last = now;
            }
            if (now >= total) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("only " + now + " of " + total + " records " + what + " after " + timeout);
            }
            Thread.sleep(1_000);
        }
    }
}
