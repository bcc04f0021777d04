package io.mcst.stack;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/** What the cloud store types share: full key names for errors, and URL keys. */
final class StoreTypes {
    private StoreTypes() {}

    /** The full name of a store's key, e.g. {@code store.aws.bucket}. */
    static String key(String storeName, String suffix) {
        return StackConfig.STORE_PREFIX + storeName + "." + suffix;
    }

    /** Accepts an empty value or an absolute http(s) URL. */
    static ConfigDef.Validator httpUrl() {
        return StackConfig.described("empty, or an http(s) URL with a host", (key, value) -> {
            if (value == null) {
                return;
            }
            try {
                URI uri = new URI(value.toString().trim());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new ConfigException(key, value, "use an http:// or https:// URL with a host, e.g. https://host:443");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(key, value, "not a URL: " + e.getMessage());
            }
        });
    }

    /** Whether {@code key} of a store is set (valid or not), for the checks that span keys. */
    static boolean isSet(Map<String, ConfigValue> values, String key) {
        ConfigValue value = values.get(key);
        return value != null && value.value() != null;
    }

    static Optional<URI> uri(String value) {
        return Optional.ofNullable(value).map(String::trim).map(URI::create);
    }
}
