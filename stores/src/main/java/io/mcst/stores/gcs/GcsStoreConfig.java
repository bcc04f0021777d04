package io.mcst.stores.gcs;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where and as whom a {@link GcsStore} connects.
 *
 * @param name the store's name in errors and logs, e.g. {@code gcs}
 * @param bucket the bucket that holds the store's objects; it must exist
 * @param project the Google Cloud project; empty means the one the credentials or environment name
 * @param credentialsJson a service-account (or other) credentials JSON document; empty means Application
 *     Default Credentials, or none at all when {@code host} is set (an emulator or test server)
 * @param host the JSON API's base URL, e.g. {@code http://127.0.0.1:4443}; empty means Google's
 * @param maxConnections the HTTP connection pool's size: as many as the calls the store runs at once
 */
public record GcsStoreConfig(
        String name, String bucket, Optional<String> project, Optional<String> credentialsJson, Optional<String> host,
        int maxConnections) {

    public GcsStoreConfig {
        requireNonNull(name, "name");
        requireNonNull(bucket, "bucket");
        requireNonNull(project, "project");
        requireNonNull(credentialsJson, "credentialsJson");
        requireNonNull(host, "host");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("store '" + name + "': maxConnections must be positive: " + maxConnections);
        }
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("store '" + name + "': the bucket name is empty");
        }
    }

    @Override
    public String toString() {
        return "GcsStoreConfig[name=%s, bucket=%s, project=%s, credentialsJson=%s, host=%s, maxConnections=%d]".formatted(
                name, bucket, project.orElse("(default)"), credentialsJson.map(json -> "[hidden]").orElse("(default)"),
                host.orElse("(Google)"), maxConnections);
    }
}
