package io.mcst.connector.sink;

import io.mcst.connector.TaskIdentity;
import io.mcst.connector.Version;
import io.mcst.connector.format.RecordFormats;
import io.mcst.stack.StackConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Archives Kafka topics into a cloud of clouds: see {@link MultiCloudSinkTask} for how, and
 * {@link SinkConfig} for the keys. The connector only checks the configuration and hands it to its tasks.
 */
public final class MultiCloudSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        SinkConfig config = new SinkConfig(props);
        config.format(); // fails fast on a codec the format cannot use
        config.groupSelection(); // and on consumer groups without their cluster
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MultiCloudSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskIdentity.numbered(Collections.nCopies(maxTasks, props));
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return SinkConfig.CONFIG_DEF;
    }

    /**
     * Every error at once, each against its key, as Connect's validate REST shows them: the ConfigDef's, the
     * storage rules the ConfigDef cannot express (each store's {@code store.<name>.*} keys, t against n),
     * the codec against the format, and consumer groups against their cluster.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        List<ConfigValue> values = new ArrayList<>(StackConfig.validate(SinkConfig.CONFIG_DEF, connectorConfigs));
        Map<String, ConfigValue> byName = new HashMap<>();
        values.forEach(value -> byName.put(value.name(), value));
        ConfigValue format = byName.get(SinkConfig.FORMAT_CONFIG);
        ConfigValue codec = byName.get(SinkConfig.FORMAT_CODEC_CONFIG);
        if (format.errorMessages().isEmpty() && codec.errorMessages().isEmpty()) {
            try {
                RecordFormats.of((String) format.value(), (String) codec.value());
            } catch (IllegalArgumentException e) {
                codec.addErrorMessage(e.getMessage());
            }
        }
        ConfigValue groupsCluster = byName.get(SinkConfig.GROUPS_BOOTSTRAP_SERVERS_CONFIG);
        boolean groupsChosen = !(byName.get(SinkConfig.GROUPS_CONFIG).value() instanceof List<?> ids && ids.isEmpty())
                || byName.get(SinkConfig.GROUPS_REGEX_CONFIG).value() != null;
        if (groupsChosen && groupsCluster.value() instanceof List<?> servers && servers.isEmpty()) {
            groupsCluster.addErrorMessage(SinkConfig.GROUPS_CLUSTER_MISSING);
        }
        return new Config(values);
    }

    /**
     * Refuses offset changes through Connect's REST API ({@code PATCH} or {@code DELETE
     * /connectors/<name>/offsets}). The archive, not the consumer group, decides where the sink resumes: on
     * {@code open()} each task rewinds to the offset after the partition's index register, so a changed
     * consumer-group offset would be overwritten without a word. Refusing says so instead of pretending.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<TopicPartition, Long> offsets) {
        throw new ConnectException("the multi-cloud sink resumes each partition from its archive index, not from "
                + "the consumer group, so altering or resetting its offsets (" + offsets.keySet() + ") would have no "
                + "effect and is refused. To archive a partition again from an earlier offset, archive into a new "
                + "'" + SinkConfig.ARCHIVE_PREFIX_CONFIG + "' (or remove the partition's archive); to skip records, "
                + "use a new connector or a filter transform");
    }
}
