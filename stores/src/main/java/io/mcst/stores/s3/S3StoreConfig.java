package io.mcst.stores.s3;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * Where and as whom an {@link S3Store} connects.
 *
 * @param name the store's name in errors and logs, e.g. {@code aws}
 * @param bucket the bucket that holds the store's objects; it must exist
 * @param region the bucket's region; empty means the SDK's default region chain (or {@code us-east-1} with
 *     an endpoint, which S3-compatible servers accept)
 * @param endpoint an S3-compatible server (MinIO, Ceph, R2, S3Proxy); empty means AWS
 * @param pathStyle address the bucket in the path ({@code host/bucket/key}) rather than the host name, as
 *     most S3-compatible servers need
 * @param credentials static credentials; empty means the SDK's default credential chain
 * @param maxConnections the HTTP connection pool's size: as many as the calls the store runs at once
 */
public record S3StoreConfig(
        String name,
        String bucket,
        Optional<String> region,
        Optional<URI> endpoint,
        boolean pathStyle,
        Optional<Credentials> credentials,
        int maxConnections) {

    public S3StoreConfig {
        requireNonNull(name, "name");
        requireNonNull(bucket, "bucket");
        requireNonNull(region, "region");
        requireNonNull(endpoint, "endpoint");
        requireNonNull(credentials, "credentials");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("store '" + name + "': maxConnections must be positive: " + maxConnections);
        }
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("store '" + name + "': the bucket name is empty");
        }
    }

    /** An access key pair. The secret never appears in {@link #toString()}. */
    public record Credentials(String accessKeyId, String secretAccessKey) {
        public Credentials {
            requireNonNull(accessKeyId, "accessKeyId");
            requireNonNull(secretAccessKey, "secretAccessKey");
        }

        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=[hidden]]";
        }
    }
}
