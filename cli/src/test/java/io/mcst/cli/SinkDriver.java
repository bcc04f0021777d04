package io.mcst.cli;

import io.mcst.connector.sink.MultiCloudSinkTask;
import io.mcst.stack.MetricsScope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** The sink task driven directly, as Connect would: builds archives for the tool's tests. */
final class SinkDriver implements AutoCloseable {
    /** The metrics scope of the stacks tests open beside the sink and the tool. */
    static final MetricsScope TEST_SCOPE = MetricsScope.ofConnector("test");

    private final MultiCloudSinkTask task = new MultiCloudSinkTask();

    SinkDriver(Map<String, String> props, Collection<TopicPartition> partitions) {
        task.initialize(new Context());
        Map<String, String> taskProps = new HashMap<>(props);
        taskProps.putIfAbsent("name", "archive-test"); // what Connect adds to a task's configuration
        taskProps.putIfAbsent("task.id", "0");
        task.start(taskProps);
        task.open(partitions);
    }

    /**
     * Hands the task {@code records} and waits until the segments they filled are archived: the task uploads in
     * the background, and the tool's tests read the archive right after.
     */
    void put(List<SinkRecord> records) {
        task.put(records);
        commit();
    }

    /** Writes sealed and scheduled segments and waits until they are archived. */
    void commit() {
        task.flush(Map.of());
    }

    @Override
    public void close() {
        task.stop();
    }

    /**
     * Record {@code offset} of {@code partition}: key {@code k<offset>} (null every 13th), value of varying size
     * (null every 17th), two headers (one repeated), timestamp {@code baseTime + offset * 1000}.
     */
    static SinkRecord record(TopicPartition partition, long offset, long baseTime) {
        byte[] key = offset % 13 == 0 ? null : ("k" + offset).getBytes(StandardCharsets.UTF_8);
        byte[] value = offset % 17 == 0 ? null : ("value-" + offset + "-" + "x".repeat((int) (offset % 50)))
                .getBytes(StandardCharsets.UTF_8);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("h", new byte[] {(byte) offset, (byte) (offset >> 8)});
        headers.addBytes("h", null);
        return new SinkRecord(partition.topic(), partition.partition(), Schema.OPTIONAL_BYTES_SCHEMA, key,
                Schema.OPTIONAL_BYTES_SCHEMA, value, offset, baseTime + offset * 1000, TimestampType.CREATE_TIME, headers);
    }

    static List<SinkRecord> records(TopicPartition partition, long from, long to, long baseTime) {
        List<SinkRecord> records = new ArrayList<>();
        LongStream.range(from, to).forEach(offset -> records.add(record(partition, offset, baseTime)));
        return records;
    }

    private static final class Context implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {}

        @Override
        public void offset(TopicPartition tp, long offset) {}

        @Override
        public void timeout(long timeoutMs) {}

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of();
        }

        @Override
        public void pause(TopicPartition... partitions) {}

        @Override
        public void resume(TopicPartition... partitions) {}

        @Override
        public void requestCommit() {}

        private final PluginMetricsImpl metrics = new PluginMetricsImpl(new Metrics(), Map.of("connector", "test"));

        @Override
        public PluginMetrics pluginMetrics() {
            return metrics;
        }

        @Override
        public org.apache.kafka.connect.sink.ErrantRecordReporter errantRecordReporter() {
            return null;
        }
    }
}
