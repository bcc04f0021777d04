package io.mcst.stores.s3;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.HttpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where and as whom an {@link S3Store} connects, and how it stores objects.
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
 * @param role a role to assume with the credentials above; empty: use them directly
 * @param encryption how S3 encrypts the objects this store writes
 * @param storageClass the storage class of the objects this store writes, e.g. {@code STANDARD_IA}; empty:
 *     the bucket's default (STANDARD)
 * @param proxy the HTTP proxy requests go through (also those to STS); empty: none
 * @param timeouts how long a connection and a request may take
 */
public record S3StoreConfig(
        String name,
        String bucket,
        Optional<String> region,
        Optional<URI> endpoint,
        boolean pathStyle,
        Optional<Credentials> credentials,
        int maxConnections,
        Optional<AssumedRole> role,
        Encryption encryption,
        Optional<String> storageClass,
        Optional<HttpProxy> proxy,
        Timeouts timeouts) {

    public S3StoreConfig {
        requireNonNull(name, "name");
        requireNonNull(bucket, "bucket");
        requireNonNull(region, "region");
        requireNonNull(endpoint, "endpoint");
        requireNonNull(credentials, "credentials");
        requireNonNull(role, "role");
        requireNonNull(encryption, "encryption");
        requireNonNull(storageClass, "storageClass");
        requireNonNull(proxy, "proxy");
        requireNonNull(timeouts, "timeouts");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("store '" + name + "': maxConnections must be positive: " + maxConnections);
        }
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("store '" + name + "': the bucket name is empty");
        }
    }

    /** A store with the bucket's own encryption and storage class, no role, no proxy and the SDK's timeouts. */
    public S3StoreConfig(String name, String bucket, Optional<String> region, Optional<URI> endpoint, boolean pathStyle,
            Optional<Credentials> credentials, int maxConnections) {
        this(name, bucket, region, endpoint, pathStyle, credentials, maxConnections, Optional.empty(), Encryption.BUCKET_DEFAULT,
                Optional.empty(), Optional.empty(), Timeouts.SDK_DEFAULTS);
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

    /**
     * A role assumed through STS AssumeRole; the SDK refreshes the temporary credentials before they expire.
     *
     * @param arn the role, e.g. {@code arn:aws:iam::123456789012:role/archiver}
     * @param externalId the external id the role's trust policy asks for; empty: none
     * @param sessionName the session name CloudTrail shows for this store's requests
     * @param stsEndpoint the STS endpoint (a VPC endpoint, or an S3-compatible server's STS); empty: AWS's
     *     regional one
     */
    public record AssumedRole(String arn, Optional<String> externalId, String sessionName, Optional<URI> stsEndpoint) {
        public AssumedRole {
            requireNonNull(arn, "arn");
            requireNonNull(externalId, "externalId");
            requireNonNull(sessionName, "sessionName");
            requireNonNull(stsEndpoint, "stsEndpoint");
        }
    }

    /** Server-side encryption: which kind S3 applies to each object written. */
    public enum EncryptionMode {
        /** No encryption header: the bucket's default encryption applies (SSE-S3 on AWS since 2023). */
        BUCKET_DEFAULT,
        /** SSE-S3: keys managed by S3 ({@code AES256}). */
        SSE_S3,
        /** SSE-KMS: a KMS key, the account's {@code aws/s3} key unless one is named. */
        SSE_KMS
    }

    /**
     * @param mode the kind of server-side encryption
     * @param kmsKeyId with {@link EncryptionMode#SSE_KMS}: the KMS key id or ARN; empty: {@code aws/s3}
     * @param bucketKey with {@link EncryptionMode#SSE_KMS}: use an S3 Bucket Key, which cuts KMS requests
     */
    public record Encryption(EncryptionMode mode, Optional<String> kmsKeyId, boolean bucketKey) {
        public static final Encryption BUCKET_DEFAULT = new Encryption(EncryptionMode.BUCKET_DEFAULT, Optional.empty(), false);

        public Encryption {
            requireNonNull(mode, "mode");
            requireNonNull(kmsKeyId, "kmsKeyId");
            if (mode != EncryptionMode.SSE_KMS && (kmsKeyId.isPresent() || bucketKey)) {
                throw new IllegalArgumentException("a KMS key and a bucket key need SSE-KMS, not " + mode);
            }
        }
    }

    /**
     * @param connect how long opening a connection may take; empty: the SDK's (2 s)
     * @param request how long one attempt of a request may take, response included; empty: no limit but the
     *     socket's (30 s without data)
     */
    public record Timeouts(Optional<Duration> connect, Optional<Duration> request) {
        public static final Timeouts SDK_DEFAULTS = new Timeouts(Optional.empty(), Optional.empty());

        public Timeouts {
            requireNonNull(connect, "connect");
            requireNonNull(request, "request");
        }
    }
}
