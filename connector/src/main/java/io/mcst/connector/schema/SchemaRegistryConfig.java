package io.mcst.connector.schema;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The registry keys the sink and the source share: the registry's URL and its credentials. */
public final class SchemaRegistryConfig {
    public static final String URL_CONFIG = "schema.registry.url";
    public static final String USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";

    private SchemaRegistryConfig() {}

    /** Defines both keys in {@code group}, the URL with {@code urlDoc} as documentation. */
    public static ConfigDef define(ConfigDef def, String group, String urlDoc) {
        return def.define(URL_CONFIG, Type.STRING, "", url(), Importance.MEDIUM, urlDoc, group, 1, Width.LONG,
                        "Schema Registry URL")
                .define(USER_INFO_CONFIG, Type.PASSWORD, null, userInfo(), Importance.MEDIUM,
                        "Credentials for the registry's HTTP basic authentication, as user:password. Empty: none.",
                        group, 2, Width.MEDIUM, "Schema Registry credentials");
    }

    /** A client of the configured registry, or empty when {@value #URL_CONFIG} is empty (schemas are off). */
    public static Optional<SchemaRegistryClient> client(AbstractConfig config) {
        String url = config.getString(URL_CONFIG).trim();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        Password userInfo = config.getPassword(USER_INFO_CONFIG);
        return Optional.of(new SchemaRegistryClient(url, Optional.ofNullable(userInfo)
                .filter(password -> !password.value().isEmpty())));
    }

    private static ConfigDef.Validator userInfo() {
        return (key, value) -> {
            if (value instanceof Password password && !password.value().isEmpty() && !password.value().contains(":")) {
                // The value is not echoed: it is a secret, even when malformed.
                throw new ConfigException("Invalid value for configuration " + key + ": use user:password (the "
                        + "registry's basic authentication), or leave it empty for none");
            }
        };
    }

    private static ConfigDef.Validator url() {
        return (key, value) -> {
            String text = ((String) value).trim();
            if (text.isEmpty()) {
                return;
            }
            try {
                URI uri = new URI(text);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getUserInfo() != null || uri.getQuery() != null) {
                    throw new URISyntaxException(text, "not an http(s) URL with a host");
                }
            } catch (URISyntaxException e) {
                // The value is not echoed: a URL with user info would put a password in the log.
                throw new ConfigException("Invalid value for configuration " + key + ": use the registry's http(s) URL, e.g. http://schema-registry:8081 "
                        + "(credentials go in " + USER_INFO_CONFIG + "), or leave it empty to archive no schemas");
            }
        };
    }
}
