package io.mcst.benchmarks;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink that drops every record: what Connect's own consumer, conversion and offset commits cost, the ceiling
 * of any sink in the same worker. The archive's rate is set beside it as well as beside a bare consumer.
 */
public final class DiscardingSinkConnector extends SinkConnector {
    @Override
    public void start(Map<String, String> props) {}

    @Override
    public Class<? extends Task> taskClass() {
        return DiscardingSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, Map.of());
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "benchmark";
    }

    /** Drops what it is given; Connect commits the offsets it consumed. */
    public static final class DiscardingSinkTask extends SinkTask {
        @Override
        public void start(Map<String, String> props) {}

        @Override
        public void put(Collection<SinkRecord> records) {}

        @Override
        public void stop() {}

        @Override
        public String version() {
            return "benchmark";
        }
    }
}
