package io.mcst.stores.gcs;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.HttpProxy;
import java.util.Optional;

/**
 * Where and as whom a {@link GcsStore} connects, and how it stores objects.
 *
 * @param name the store's name in errors and logs, e.g. {@code gcs}
 * @param bucket the bucket that holds the store's objects; it must exist
 * @param project the Google Cloud project; empty means the one the credentials or environment name
 * @param credentialsJson a service-account (or other) credentials JSON document; empty means Application
 *     Default Credentials, or none at all when {@code host} is set (an emulator or test server)
 * @param host the JSON API's base URL, e.g. {@code http://127.0.0.1:4443}; empty means Google's
 * @param storageClass the storage class of the objects this store writes, e.g. {@code NEARLINE}; empty: the
 *     bucket's default
 * @param kmsKeyName the Cloud KMS key (customer-managed encryption key) of the objects this store writes,
 *     {@code projects/p/locations/l/keyRings/r/cryptoKeys/k}; empty: the bucket's default key
 * @param proxy the HTTP proxy requests go through; empty: none
 * @param maxConnections the HTTP connection pool's size: as many as the calls the store runs at once
 */
public record GcsStoreConfig(String name, String bucket, Optional<String> project, Optional<String> credentialsJson,
        Optional<String> host, Optional<String> storageClass, Optional<String> kmsKeyName, Optional<HttpProxy> proxy,
        int maxConnections) {

    public GcsStoreConfig {
        requireNonNull(name, "name");
        requireNonNull(bucket, "bucket");
        requireNonNull(project, "project");
        requireNonNull(credentialsJson, "credentialsJson");
        requireNonNull(host, "host");
        requireNonNull(storageClass, "storageClass");
        requireNonNull(kmsKeyName, "kmsKeyName");
        requireNonNull(proxy, "proxy");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("store '" + name + "': maxConnections must be positive: " + maxConnections);
        }
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("store '" + name + "': the bucket name is empty");
        }
    }

    /** A store with the bucket's default class and key, and no proxy. */
    public GcsStoreConfig(String name, String bucket, Optional<String> project, Optional<String> credentialsJson,
            Optional<String> host, int maxConnections) {
        this(name, bucket, project, credentialsJson, host, Optional.empty(), Optional.empty(), Optional.empty(), maxConnections);
    }

    @Override
    public String toString() {
        return ("GcsStoreConfig[name=%s, bucket=%s, project=%s, credentialsJson=%s, host=%s, storageClass=%s, kmsKeyName=%s, proxy=%s,"
                + " maxConnections=%d]")
                .formatted(name, bucket, project.orElse("(default)"), credentialsJson.map(json -> "[hidden]").orElse("(default)"),
                        host.orElse("(Google)"), storageClass.orElse("(default)"), kmsKeyName.orElse("(default)"),
                        proxy.map(HttpProxy::toString).orElse("(none)"), maxConnections);
    }
}
