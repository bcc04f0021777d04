package io.mcst.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * A connector's configuration as an operator keeps it: the JSON POSTed to Connect ({@code {"name": ..,
 * "config": {..}}}, or the bare config object) or a properties file. Variables resolve as a Connect worker
 * with the usual providers resolves them: {@code ${env:NAME}}, {@code ${file:/path/to.properties:key}} and
 * {@code ${dir:/path/to/dir:file}}. Every resolved value, and every value of a key that names a secret, is
 * remembered so that {@link #redact} keeps it out of anything the tool prints.
 */
final class ConnectorConfigFile {
    /** The variable syntax of Kafka's ConfigTransformer: ${provider:[path:]key}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");
    /** Keys whose values are secrets in the storage vocabulary (Password types) and in common worker settings. */
    private static final Pattern SECRET_KEY =
            Pattern.compile(".*(secret|password|credentials|connection\\.string|account\\.key|keyset|sasl\\.jaas).*");
    private static final String HIDDEN = "[hidden]";

    private final Path path;
    private final Map<String, String> props;
    private final Set<String> secrets;

    private ConnectorConfigFile(Path path, Map<String, String> props, Set<String> secrets) {
        this.path = path;
        this.props = Map.copyOf(props);
        this.secrets = Set.copyOf(secrets);
    }

    /**
     * Reads and resolves {@code path}.
     *
     * @throws ConfigException naming the file and what is wrong with it (never a secret)
     */
    static ConnectorConfigFile read(Path path) {
        requireNonNull(path, "path");
        Map<String, String> raw;
        try {
            raw = path.getFileName().toString().endsWith(".json") ? readJson(path) : readProperties(path);
        } catch (IOException e) {
            throw new ConfigException("cannot read the connector configuration " + path + ": " + e.getMessage()
                    + "; pass the JSON you POST to Connect or a properties file with --config");
        }
        Map<String, ConfigProvider> providers = new LinkedHashMap<>();
        providers.put("env", new EnvVarConfigProvider());
        providers.put("file", new FileConfigProvider());
        providers.put("dir", new DirectoryConfigProvider());
        providers.values().forEach(provider -> provider.configure(Map.of()));
        Set<String> secrets = new HashSet<>();
        Map<String, String> resolved;
        try {
            for (Map.Entry<String, String> entry : raw.entrySet()) {
                Matcher variable = VARIABLE.matcher(entry.getValue());
                while (variable.find()) {
                    if (!providers.containsKey(variable.group(1))) {
                        throw new ConfigException(entry.getKey() + " in " + path + " uses config provider '"
                                + variable.group(1) + "', which mcst does not know; use env, file or dir");
                    }
                }
            }
            resolved = new ConfigTransformer(providers).transform(raw).data();
        } finally {
            for (ConfigProvider provider : providers.values()) {
                try {
                    provider.close();
                } catch (IOException ignored) {
                    // nothing was opened that outlives the transform
                }
            }
        }
        for (Map.Entry<String, String> entry : resolved.entrySet()) {
            String before = raw.get(entry.getKey());
            boolean fromProvider = before != null && !before.equals(entry.getValue());
            if ((fromProvider || SECRET_KEY.matcher(entry.getKey()).matches()) && entry.getValue() != null
                    && entry.getValue().length() >= 4) { // shorter values would mangle other text
                secrets.add(entry.getValue());
            }
            if (entry.getValue() == null || VARIABLE.matcher(entry.getValue()).find()) {
                throw new ConfigException(entry.getKey() + " in " + path + " did not resolve: its variable names a "
                        + "missing environment variable, file or key; set it and rerun");
            }
        }
        return new ConnectorConfigFile(path, resolved, secrets);
    }

    private static Map<String, String> readJson(Path path) throws IOException {
        JsonNode root = new ObjectMapper().readTree(path.toFile());
        JsonNode config = root != null && root.has("config") && root.get("config").isObject() ? root.get("config") : root;
        if (config == null || !config.isObject()) {
            throw new ConfigException(path + " is not a connector configuration: expected {\"name\": ..., \"config\": "
                    + "{...}} or a JSON object of configuration keys");
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = config.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            props.put(field.getKey(), field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString());
        }
        return props;
    }

    private static Map<String, String> readProperties(Path path) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> props = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> props.put(name, properties.getProperty(name)));
        return props;
    }

    Path path() {
        return path;
    }

    /** The resolved configuration: secrets in clear, so never print it. */
    Map<String, String> props() {
        return props;
    }

    /** {@code text} with every secret of this configuration replaced by {@code [hidden]}. */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text;
        for (String secret : secrets) {
            redacted = redacted.replace(secret, HIDDEN);
        }
        return redacted;
    }
}
