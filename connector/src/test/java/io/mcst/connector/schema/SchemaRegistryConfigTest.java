package io.mcst.connector.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.sink.SinkConfig;
import io.mcst.connector.source.SourceConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaRegistryConfigTest {
    private static Map<String, String> sink(String url) {
        return new HashMap<>(Map.of("stores", "a", "store.a.type", "memory", "schema.registry.url", url));
    }

    private static Map<String, String> source() {
        return new HashMap<>(Map.of("archive.topics", "orders", "target.cluster.bootstrap.servers", "127.0.0.1:9092",
                "stores", "a", "store.a.type", "memory"));
    }

    @Test
    void schemasAreOffByDefault() {
        assertThat(new SinkConfig(Map.of("stores", "a", "store.a.type", "memory")).schemaRegistry()).isEmpty();
        assertThat(new SourceConfig(source()).schemaRegistry()).isEmpty();
        assertThat(new SourceConfig(source()).rewritesSchemaIds()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://schema-registry:8081", "https://registry.example.com/base/"})
    void acceptsHttpUrls(String url) {
        assertThat(new SinkConfig(sink(url)).schemaRegistry()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"schema-registry:8081", "ftp://registry", "http://", "http://bad host"})
    void refusesOtherUrlsNamingTheKey(String url) {
        assertThatThrownBy(() -> new SinkConfig(sink(url))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> new SinkConfig(sink("http://admin:hunter2@registry:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(SchemaRegistryConfig.USER_INFO_CONFIG)
                .message().doesNotContain("hunter2");
    }

    @Test
    void credentialsAreAPassword() {
        Map<String, String> props = sink("http://registry:8081");
        props.put(SchemaRegistryConfig.USER_INFO_CONFIG, "user:hunter2");

        assertThat(new SinkConfig(props).toString()).doesNotContain("hunter2");
    }

    @Test
    void credentialsThatAreNotUserColonPasswordAreRefusedWithoutShowingThem() {
        Map<String, String> props = sink("http://registry:8081");
        props.put(SchemaRegistryConfig.USER_INFO_CONFIG, "hunter2");

        assertThatThrownBy(() -> new SinkConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistryConfig.USER_INFO_CONFIG).hasMessageContaining("user:password")
                .message().doesNotContain("hunter2");
        props.put(SchemaRegistryConfig.USER_INFO_CONFIG, "");
        assertThat(new SinkConfig(props).schemaRegistry()).isPresent();
    }

    @Test
    void rewritingIdsNeedsATargetRegistry() {
        Map<String, String> props = source();
        props.put(SourceConfig.SCHEMA_ID_REWRITE_CONFIG, "true");

        assertThatThrownBy(() -> new SourceConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(SourceConfig.SCHEMA_ID_REWRITE_CONFIG).hasMessageContaining("schema.registry.url");
        props.put("schema.registry.url", "http://registry:8081");
        assertThat(new SourceConfig(props).rewritesSchemaIds()).isTrue();
    }
}
