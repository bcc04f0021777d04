package io.mcst.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcst.connector.sink.MultiCloudSinkConnector;
import io.mcst.connector.source.MultiCloudSourceConnector;
import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.stack.StackConfig;
import io.mcst.stack.StoreType;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of config-examples/ is checked as Connect would check it, so a typo fails the build: connector
 * configs through the connector's own {@code validate()} (its keys, the storage vocabulary, each store type's
 * keys) plus Connect's framework keys, with any key nobody defines reported; worker properties through
 * {@link DistributedConfig}. Config-provider references (${env:..}, ${file:..}) are resolved to stand-ins, as
 * the worker resolves them before validating.
 */
class ConfigExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\$\\{(env|file):[^}]+}");
    /** Keys Connect passes through to clients or plugins by prefix; not checked key by key here. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("transforms.", "predicates.", "producer.override.",
            "consumer.override.", "admin.override.", "errors.deadletterqueue.");
    /** The source's settings of the target cluster's Admin client ({@code target.cluster.security.protocol}...). */
    private static final String SOURCE_TARGET_CLUSTER_PREFIX = "target.cluster.";

    static Path examples() {
        return ConfigReference.projectDir().resolve("config-examples");
    }

    static Stream<Path> connectorExamples() throws IOException {
        try (Stream<Path> files = Files.list(examples())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    static Stream<Path> workerExamples() throws IOException {
        try (Stream<Path> files = Files.list(examples())) {
            return files.filter(f -> f.toString().endsWith(".properties")).sorted().toList().stream();
        }
    }

    @Test
    void theExamplesTheDocsPromiseExist() {
        assertThat(examples().toFile().list()).contains("three-clouds-atomic-sink.json", "single-cloud-sink.json",
                "s3-compatible-pair-onprem-sink.json", "replay-renamed-window-source.json", "worker.properties",
                "compose-three-clouds-sink.json", "compose-worker.properties");
    }

    @ParameterizedTest
    @MethodSource("connectorExamples")
    void connectorExampleIsValid(Path file) throws IOException {
        JsonNode example = JSON.readTree(file.toFile());
        assertThat(example.path("name").asText()).as("%s: name", file.getFileName()).isNotBlank();
        JsonNode configNode = example.path("config");
        assertThat(configNode.isObject()).as("%s: a \"config\" object, the shape POST /connectors takes", file.getFileName()).isTrue();
        Map<String, String> config = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        configNode.properties().forEach(field -> {
            if (!field.getValue().isTextual()) {
                problems.add(field.getKey() + ": Connect takes string values only, found " + field.getValue());
            }
            config.put(field.getKey(), resolveReferences(field.getKey(), field.getValue().asText()));
        });

        config.put("name", example.path("name").asText()); // POST /connectors puts it there

        String connectorClass = config.get("connector.class");
        Connector connector;
        ConfigDef framework;
        if (MultiCloudSinkConnector.class.getName().equals(connectorClass)) {
            connector = new MultiCloudSinkConnector();
            framework = SinkConnectorConfig.configDef();
        } else if (MultiCloudSourceConnector.class.getName().equals(connectorClass)) {
            connector = new MultiCloudSourceConnector();
            framework = SourceConnectorConfig.configDef();
        } else {
            throw new AssertionError(file.getFileName() + ": connector.class is not one of ours: " + connectorClass);
        }

        connector.validate(config).configValues().forEach(value ->
                value.errorMessages().forEach(message -> problems.add(value.name() + ": " + message)));
        framework.validateAll(config).values().forEach(value ->
                value.errorMessages().forEach(message -> problems.add(value.name() + " (Connect): " + message)));
        Set<String> known = new TreeSet<>(framework.names());
        known.addAll(connector.config().names());
        Set<String> storeKeys = storeKeys(config);
        for (String key : config.keySet()) {
            boolean storeKey = storeKeys.contains(key);
            boolean prefixed = FRAMEWORK_PREFIXES.stream().anyMatch(key::startsWith)
                    || (connector instanceof MultiCloudSourceConnector && key.startsWith(SOURCE_TARGET_CLUSTER_PREFIX));
            if (!known.contains(key) && !storeKey && !prefixed) {
                problems.add(key + ": no such key (a typo?)");
            }
        }
        assertThat(problems).as("problems in %s", file.getFileName()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("workerExamples")
    void workerExampleIsValid(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, String> config = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> config.put(key, properties.getProperty(key)));
        DistributedConfig parsed = new DistributedConfig(config);
        List<String> unknown = config.keySet().stream()
                .filter(key -> !parsed.values().containsKey(key) && !key.startsWith("config.providers."))
                .toList();
        assertThat(unknown).as("keys of %s that a worker does not define (typos?)", file.getFileName()).isEmpty();
        assertThat(parsed.getList("plugin.path")).as("%s: plugin.path", file.getFileName()).isNotEmpty();
    }

    @Test
    void validationCatchesTyposInConnectorStoreAndFrameworkKeys() throws IOException {
        String valid = """
                {"name": "typo-check", "config": {
                  "connector.class": "io.mcst.connector.sink.MultiCloudSinkConnector",
                  "tasks.max": "1", "topics": "orders", "format.codec": "deflate",
                  "stores": "nas", "store.nas.type": "filesystem", "store.nas.path": "/mnt/archive"}}
                """;
        Path file = Files.createTempFile("example", ".json");
        try {
            Files.writeString(file, valid);
            connectorExampleIsValid(file);
            for (String[] typo : new String[][] {{"store.nas.path", "store.nas.pth"}, {"format.codec", "format.codek"},
                    {"tasks.max", "tasks.maxx"}, {"\"deflate\"", "\"deflat\""}}) {
                Files.writeString(file, valid.replace(typo[0], typo[1]));
                String reported = typo[1].startsWith("\"") ? "format.codec" : typo[1];
                assertThatThrownBy(() -> connectorExampleIsValid(file)).as("typo %s", typo[1])
                        .hasMessageContaining(reported);
            }
        } finally {
            Files.delete(file);
        }
    }

    /**
     * The {@code store.<name>.<key>} keys {@code config} may hold: {@code type} and the keys of each named store's
     * type. (validate() already reports an unknown type, and missing or invalid values.)
     */
    private static Set<String> storeKeys(Map<String, String> config) {
        Map<String, StoreType> types = ConfigReference.storeTypes();
        Set<String> keys = new TreeSet<>();
        for (String store : config.getOrDefault("stores", "").split(",")) {
            String prefix = "store." + store.strip() + ".";
            keys.add(prefix + "type");
            StoreType type = types.get(config.getOrDefault(prefix + "type", "").strip());
            if (type != null) {
                StackConfig.storeKeys(type).names().forEach(key -> keys.add(prefix + key));
            }
        }
        return keys;
    }

    /** What the worker's config providers would put in place of each reference: a value of the right shape. */
    private static String resolveReferences(String key, String value) {
        Matcher reference = PROVIDER_REFERENCE.matcher(value);
        if (!reference.find()) {
            return value;
        }
        String standIn = key.equals("encryption.keyset")
                ? EncryptionKeyset.generate(EncryptionKeyset.KeyType.AES256_GCM).toJson()
                : "stand-in-for-" + reference.group(1);
        return reference.replaceAll(Matcher.quoteReplacement(standIn));
    }
}
