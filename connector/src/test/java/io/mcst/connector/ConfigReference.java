package io.mcst.connector;

import io.mcst.connector.sink.MultiCloudSinkConnector;
import io.mcst.connector.source.MultiCloudSourceConnector;
import io.mcst.stack.StackConfig;
import io.mcst.stack.StoreType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/** docs/configuration.md, generated from the connectors', the storage vocabulary's and each store type's ConfigDef. */
final class ConfigReference {
    private ConfigReference() {}

    /** The checkout's root: tests run in the module's directory, one below it. */
    static Path projectDir() {
        return Path.of("..").toAbsolutePath().normalize();
    }

    static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("Generated from the connectors' own `ConfigDef`s by `ConfigReferenceTest` (connector module), which\n")
                .append("fails the build when this file is stale. Regenerate it with\n")
                .append("`mvn -B -q verify -pl connector -am -Dtest=ConfigReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dmcst.docs.update=true`.\n\n")
                .append("Both connectors also take Connect's own keys (`name`, `connector.class`, `tasks.max`, converters,\n")
                .append("`transforms`, `errors.*`; the sink `topics` or `topics.regex`), and the storage keys below.\n")
                .append("Secrets (type password) are never logged; keep them out of connector configs with config providers,\n")
                .append("e.g. `${env:NAME}` or `${file:/path:key}` (see install.md).\n\n")
                .append("- [Sink connector](#sink-connector)\n- [Source connector](#source-connector)\n")
                .append("- [Storage](#storage)\n");
        Map<String, StoreType> types = storeTypes();
        types.keySet().forEach(type -> md.append("- [Store type `").append(type).append("`](#store-type-")
                .append(type.replaceAll("[^a-z0-9-]", "")).append(")\n"));

        Set<String> storage = StackConfig.CONFIG_DEF.names();
        section(md, "Sink connector", "`connector.class=" + MultiCloudSinkConnector.class.getName() + "`",
                new MultiCloudSinkConnector().config(), storage, "");
        section(md, "Source connector", "`connector.class=" + MultiCloudSourceConnector.class.getName() + "`",
                new MultiCloudSourceConnector().config(), storage, "");
        section(md, "Storage", "Shared by both connectors: which stores, how they are replicated, which layers apply.",
                StackConfig.CONFIG_DEF, Set.of(), "");
        types.forEach((name, type) -> section(md, "Store type `" + name + "`",
                "Selected by `store.<name>.type=" + name + "`; its keys go below `store.<name>.`.",
                StackConfig.storeKeys(type), Set.of(), "store.<name>."));
        return md.toString();
    }

    /** The store types the plugin ships (the stack module's), by name; not those tests register. */
    static Map<String, StoreType> storeTypes() {
        Map<String, StoreType> types = new TreeMap<>();
        ServiceLoader.load(StoreType.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(type -> type.getClass().getPackageName().equals(StoreType.class.getPackageName()))
                .forEach(type -> types.put(type.type(), type));
        return types;
    }

    private static void section(StringBuilder md, String title, String intro, ConfigDef def, Set<String> leaveOut, String prefix) {
        md.append("\n## ").append(title).append("\n\n").append(intro).append("\n");
        List<ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        keys.removeIf(key -> leaveOut.contains(key.name) || key.internalConfig);
        keys.sort(Comparator.comparing((ConfigKey key) -> key.group == null ? "" : key.group)
                .thenComparingInt(key -> key.orderInGroup)
                .thenComparing(key -> key.name));
        if (keys.isEmpty()) {
            md.append("\nNo other keys.\n");
        }
        for (ConfigKey key : keys) {
            md.append("\n### `").append(prefix).append(key.name).append("`\n\n")
                    .append(key.documentation == null ? "" : escape(key.documentation.strip())).append("\n\n")
                    .append("- type: ").append(key.type.name().toLowerCase()).append('\n')
                    .append("- default: ").append(defaultOf(key)).append('\n');
            if (describes(key.validator)) {
                md.append("- valid values: ").append(escape(key.validator.toString().strip())).append('\n');
            }
            md.append("- importance: ").append(key.importance.name().toLowerCase()).append('\n');
        }
    }

    /** Whether a validator says something: a lambda's toString is only its identity, different on every run. */
    private static boolean describes(ConfigDef.Validator validator) {
        if (validator == null) {
            return false;
        }
        String text = validator.toString();
        String identity = validator.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(validator));
        return !text.isBlank() && !text.equals(identity);
    }

    /** Markdown would take {@code <prefix>} in prose for an HTML tag. */
    private static String escape(String text) {
        return text.replace("<", "\\<").replace(">", "\\>");
    }

    private static String defaultOf(ConfigKey key) {
        if (!key.hasDefault()) {
            return "none (required)";
        }
        if (key.defaultValue == null) {
            return "null";
        }
        String value = key.type == ConfigDef.Type.LIST
                ? String.join(",", ((List<?>) key.defaultValue).stream().map(String::valueOf).toList())
                : ConfigDef.convertToString(key.defaultValue, key.type);
        return value.isEmpty() ? "\"\"" : "`" + value + "`";
    }
}
