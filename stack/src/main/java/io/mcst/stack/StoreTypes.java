package io.mcst.stack;

import io.mcst.stores.HttpProxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the cloud store types share: full key names for errors, URL keys, and the proxy keys. */
final class StoreTypes {
    static final String PROXY_URL_CONFIG = "proxy.url";
    static final String PROXY_USERNAME_CONFIG = "proxy.username";
    static final String PROXY_PASSWORD_CONFIG = "proxy.password";

    private static final Logger LOG = LoggerFactory.getLogger(StoreTypes.class);

    private StoreTypes() {}

    /** Defines the keys of the HTTP proxy a cloud store's requests go through. */
    static ConfigDef defineProxy(ConfigDef def) {
        return def
                .define(PROXY_URL_CONFIG, Type.STRING, null, httpUrl(), Importance.LOW,
                        "The HTTP proxy this store's requests go through, e.g. http://proxy.internal:3128 (https "
                                + "requests tunnel through it). Empty: none, whatever the JVM's proxy properties say.")
                .define(PROXY_USERNAME_CONFIG, Type.STRING, null, Importance.LOW,
                        "The user to authenticate to the proxy as (Basic), with " + PROXY_PASSWORD_CONFIG + ".")
                .define(PROXY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.LOW,
                        "The proxy user's password, with " + PROXY_USERNAME_CONFIG + ".");
    }

    static void validateProxy(String storeName, Map<String, ConfigValue> values) {
        boolean user = isSet(values, PROXY_USERNAME_CONFIG);
        if (user != isSet(values, PROXY_PASSWORD_CONFIG)) {
            values.get(user ? PROXY_PASSWORD_CONFIG : PROXY_USERNAME_CONFIG).addErrorMessage("set both "
                    + key(storeName, PROXY_USERNAME_CONFIG) + " and " + key(storeName, PROXY_PASSWORD_CONFIG) + ", or neither");
        } else if (user && !isSet(values, PROXY_URL_CONFIG)) {
            values.get(PROXY_USERNAME_CONFIG).addErrorMessage("a proxy user needs the proxy: set "
                    + key(storeName, PROXY_URL_CONFIG) + ", or remove " + key(storeName, PROXY_USERNAME_CONFIG) + " and "
                    + key(storeName, PROXY_PASSWORD_CONFIG));
        } else if (isSet(values, PROXY_URL_CONFIG) && values.get(PROXY_URL_CONFIG).errorMessages().isEmpty()
                && URI.create(values.get(PROXY_URL_CONFIG).value().toString().trim()).getPort() < 0) {
            values.get(PROXY_URL_CONFIG).addErrorMessage("name the proxy's port, e.g. http://proxy.internal:3128");
        }
    }

    /** The proxy the keys of {@link #defineProxy} describe, once validated. */
    static Optional<HttpProxy> proxy(AbstractConfig config) {
        return uri(config.getString(PROXY_URL_CONFIG)).map(url -> new HttpProxy(url,
                Optional.ofNullable(config.getString(PROXY_USERNAME_CONFIG)),
                Optional.ofNullable(config.getPassword(PROXY_PASSWORD_CONFIG)).map(Password::value)));
    }

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

    /**
     * Warns that a storage class or tier bills each object for {@code days} however soon it is removed: not an
     * error, since the class may be worth it for an archive of large segments, but the operator should know
     * what the replaced copies and small objects cost (README, Storage classes with a minimum storage duration).
     */
    static void warnMinimumDuration(String storeName, String suffix, Object value, int days) {
        LOG.warn("store '{}': {}={} bills each object for at least {} days: the copies replication replaces at each "
                + "write of a key (a partition's index, after every segment) are billed as {} days, and small objects "
                + "as the class's minimum size (see README, Storage classes with a minimum storage duration)",
                storeName, key(storeName, suffix), value, days, days);
    }

    /** Accepts an empty value, or what {@code check} accepts. */
    static ConfigDef.Validator emptyOr(ConfigDef.Validator check) {
        return StackConfig.described("empty, or " + check, (key, value) -> {
            if (value != null) {
                check.ensureValid(key, value);
            }
        });
    }

    /** Accepts an empty value or a number of at least 1. */
    static ConfigDef.Validator positive() {
        return StackConfig.described("empty, or at least 1", (key, value) -> {
            if (value != null && ((Number) value).longValue() < 1) {
                throw new ConfigException(key, value, "use at least 1, or leave it empty for the default");
            }
        });
    }

    static Optional<URI> uri(String value) {
        return Optional.ofNullable(value).map(String::trim).map(URI::create);
    }
}
