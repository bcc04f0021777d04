package io.mcst.connector.sink;

import io.mcst.connector.StorageValidation;
import io.mcst.connector.Version;
import io.mcst.connector.format.RecordFormats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
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
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MultiCloudSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return new ArrayList<>(Collections.nCopies(maxTasks, props));
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return SinkConfig.CONFIG_DEF;
    }

    /** Adds what the ConfigDef cannot see: per-store keys, t against n, and the codec against the format. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = StorageValidation.addTo(super.validate(connectorConfigs), connectorConfigs);
        Map<String, ConfigValue> byName = new TreeMap<>();
        config.configValues().forEach(value -> byName.put(value.name(), value));
        ConfigValue format = byName.get(SinkConfig.FORMAT_CONFIG);
        ConfigValue codec = byName.get(SinkConfig.FORMAT_CODEC_CONFIG);
        if (format.errorMessages().isEmpty() && codec.errorMessages().isEmpty()) {
            try {
                RecordFormats.of((String) format.value(), (String) codec.value());
            } catch (IllegalArgumentException e) {
                StorageValidation.error(byName, config, SinkConfig.FORMAT_CODEC_CONFIG, codec.value(), e.getMessage());
            }
        }
        return config;
    }
}
