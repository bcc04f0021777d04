package io.mcst.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class SinkConfigTest {
    private static Map<String, String> minimal() {
        return new HashMap<>(Map.of("stores", "a", "store.a.type", "memory"));
    }

    @Test
    void defaults() {
        SinkConfig config = new SinkConfig(minimal());
        assertThat(config.format().name()).isEqualTo("envelope");
        assertThat(config.getString(SinkConfig.FORMAT_CODEC_CONFIG)).isEqualTo("null");
        assertThat(config.layout().prefix()).isEqualTo("kafka-archive");
        assertThat(config.flushSize()).isEqualTo(10_000);
        assertThat(config.rotateIntervalMs()).isEqualTo(-1);
        assertThat(config.rotateScheduleIntervalMs()).isEqualTo(60_000);
        assertThat(config.maxBufferedBytes()).isEqualTo(64L << 20);
        assertThat(config.retryBackoffMs()).isEqualTo(5_000);
        assertThat(config.toleratesBadRecords()).isFalse();
        assertThat(config.groupSelection()).isEmpty();
        assertThat(config.groupsSnapshotIntervalMs()).isEqualTo(60_000);
    }

    @Test
    void consumerGroupsWithoutTheirClusterAreAnErrorOnItsKey() {
        Map<String, String> props = minimal();
        props.put("groups.regex", "billing-.*");
        assertThatThrownBy(() -> new MultiCloudSinkConnector().start(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("groups.cluster.bootstrap.servers");
        List<ConfigValue> values = new MultiCloudSinkConnector().validate(props).configValues();
        assertThat(values).filteredOn(value -> !value.errorMessages().isEmpty()).singleElement()
                .satisfies(value -> assertThat(value.name()).isEqualTo("groups.cluster.bootstrap.servers"));

        props.put("groups.cluster.bootstrap.servers", "kafka:9092");
        props.put("groups.cluster.security.protocol", "SSL");
        assertThat(new MultiCloudSinkConnector().validate(props).configValues())
                .allSatisfy(value -> assertThat(value.errorMessages()).isEmpty());
        SinkConfig config = new SinkConfig(props);
        assertThat(config.groupSelection().orElseThrow().includes("billing-eu")).isTrue();
        assertThat(config.groupsClusterProperties())
                .containsOnly(Map.entry("bootstrap.servers", "kafka:9092"), Map.entry("security.protocol", "SSL"));
    }

    @Test
    void aCodecTheFormatCannotUseNamesFormatCodec() {
        Map<String, String> props = minimal();
        props.put("format", "bytes");
        props.put("format.codec", "deflate");
        assertThatThrownBy(() -> new SinkConfig(props).format()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("format.codec");
        List<ConfigValue> values = new MultiCloudSinkConnector().validate(props).configValues();
        assertThat(values).filteredOn(value -> value.name().equals("format.codec"))
                .singleElement().satisfies(value -> assertThat(value.errorMessages()).singleElement()
                        .asString().contains("bytes"));
    }

    @Test
    void validateReportsEveryProblemAtOnce() {
        Map<String, String> props = minimal();
        props.put("stores", "a,b");
        props.put("replication.fault.tolerance", "1");
        props.put("flush.size", "0");
        props.put("archive.prefix", "/root");
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new MultiCloudSinkConnector().validate(props).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        assertThat(errors).containsOnlyKeys("store.b.type", "replication.fault.tolerance", "flush.size", "archive.prefix");
    }

    @Test
    void errorsToleranceAllIsReadFromConnectsKey() {
        Map<String, String> props = minimal();
        props.put("errors.tolerance", "all");
        assertThat(new SinkConfig(props).toleratesBadRecords()).isTrue();
    }
}
