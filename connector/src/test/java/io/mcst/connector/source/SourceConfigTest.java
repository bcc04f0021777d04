package io.mcst.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class SourceConfigTest {

    static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put("archive.topics", "orders");
        props.put("target.cluster.bootstrap.servers", "127.0.0.1:9092");
        props.put("stores", "mem");
        props.put("store.mem.type", "memory");
        return props;
    }

    @Test
    void defaults() {
        SourceConfig config = new SourceConfig(minimal());

        assertThat(config.archivePrefix()).isEqualTo("kafka-archive");
        assertThat(config.format()).isEqualTo("auto");
        assertThat(config.targetTopic("orders")).isEqualTo("orders");
        assertThat(config.keepOriginalTimestamps()).isTrue();
        assertThat(config.bounds()).isEqualTo(ReplayBounds.ALL);
        assertThat(config.pollIntervalMs()).isEqualTo(10_000);
        assertThat(config.batchSize()).isEqualTo(2_000);
        assertThat(config.topicSelection().namedTopics()).contains(java.util.Set.of("orders"));
        assertThat(config.targetClusterProperties()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void renamesTopicsAndParsesBoundsInBothForms() {
        Map<String, String> props = minimal();
        props.put("topic.rename.format", "${topic}-restored");
        props.put("start.offset", "42");
        props.put("start.time", "2026-11-28T06:00:00Z");
        props.put("end.time", String.valueOf(Instant.parse("2026-11-28T07:00:00Z").toEpochMilli()));
        props.put("timestamp.mode", "now");

        SourceConfig config = new SourceConfig(props);

        assertThat(config.targetTopic("orders.v1")).isEqualTo("orders.v1-restored");
        assertThat(config.bounds()).isEqualTo(new ReplayBounds(42,
                Instant.parse("2026-11-28T06:00:00Z").toEpochMilli(), Instant.parse("2026-11-28T07:00:00Z").toEpochMilli()));
        assertThat(config.keepOriginalTimestamps()).isFalse();
    }

    @Test
    void regexSelectsWholeTopicNames() {
        Map<String, String> props = minimal();
        props.remove("archive.topics");
        props.put("archive.topics.regex", "orders\\..*");

        TopicSelection selection = new SourceConfig(props).topicSelection();

        assertThat(selection.namedTopics()).isEmpty();
        assertThat(selection.includes("orders.eu")).isTrue();
        assertThat(selection.includes("old-orders.eu")).isFalse();
    }

    @Test
    void exactlyOneTopicSelectionIsRequired() {
        Map<String, String> neither = minimal();
        neither.remove("archive.topics");
        Map<String, String> both = minimal();
        both.put("archive.topics.regex", ".*");

        assertThatThrownBy(() -> new SourceConfig(neither)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("archive.topics").hasMessageContaining("archive.topics.regex");
        assertThatThrownBy(() -> new SourceConfig(both)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("exactly one");
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        assertRejected("end.time", "yesterday", "ISO-8601");
        assertRejected("archive.topics.regex", "orders(", "regular expression");
        assertRejected("archive.topics", "orders,pay/ments", "'pay/ments' is not a Kafka topic name");
        assertRejected("archive.topics", "orders.*", "'orders.*' is not a Kafka topic name");
        assertRejected("archive.topics", "orders,,payments", "'' is not a Kafka topic name");
        assertRejected("topic.rename.format", "${topic} restored", "legal topic names");
        assertRejected("format", "parquet", "format");
        assertRejected("timestamp.mode", "later", "timestamp.mode");
        assertRejected("start.offset", "-1", "start.offset");
        assertRejected("target.cluster.bootstrap.servers", "", "broker");
    }

    @Test
    void endTimeMustFollowStartTime() {
        Map<String, String> props = minimal();
        props.put("start.time", "2026-11-28T07:00:00Z");
        props.put("end.time", "2026-11-28T06:00:00Z");

        assertThatThrownBy(() -> new SourceConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("end.time");
    }

    @Test
    void connectorValidationReportsEachProblemOnItsKey() {
        Map<String, String> props = minimal();
        props.remove("archive.topics");

        List<ConfigValue> values = new MultiCloudSourceConnector().validate(props).configValues();

        assertThat(errors(values, "archive.topics")).anySatisfy(m -> assertThat(m).contains("exactly one"));
        assertThat(errors(values, "archive.topics.regex")).isNotEmpty();
        assertThat(errors(values, "stores")).isEmpty();
    }

    @Test
    void connectorValidationReportsAnEmptyTimeWindow() {
        Map<String, String> props = minimal();
        props.put("start.time", "2026-11-28T07:00:00Z");
        props.put("end.time", "2026-11-28T07:00:00Z");

        List<ConfigValue> values = new MultiCloudSourceConnector().validate(props).configValues();

        assertThat(errors(values, "end.time")).singleElement().asString().contains("after start.time");
    }

    @Test
    void connectorValidationReportsStorageErrorsOnTheirKeys() {
        Map<String, String> props = minimal();
        props.put("store.mem.type", "tape");

        List<ConfigValue> values = new MultiCloudSourceConnector().validate(props).configValues();

        assertThat(errors(values, "store.mem.type")).anySatisfy(m -> assertThat(m).contains("tape"));
        assertThat(errors(values, "archive.topics")).isEmpty();
    }

    @Test
    void connectorValidationReportsAMissingRequiredKey() {
        Map<String, String> props = minimal();
        props.remove("target.cluster.bootstrap.servers");

        List<ConfigValue> values = new MultiCloudSourceConnector().validate(props).configValues();

        assertThat(errors(values, "target.cluster.bootstrap.servers")).isNotEmpty();
    }

    private static List<String> errors(List<ConfigValue> values, String name) {
        return values.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().errorMessages();
    }

    private static void assertRejected(String key, String value, String hint) {
        Map<String, String> props = minimal();
        props.put(key, value);
        assertThatThrownBy(() -> new SourceConfig(props)).as(key + "=" + value)
                .isInstanceOf(ConfigException.class).hasMessageContaining(key).hasMessageContaining(hint);
    }
}
