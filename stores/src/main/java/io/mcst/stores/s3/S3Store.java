package io.mcst.stores.s3;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.CloseGuard;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.ObjectNames;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreFailures;
import io.mcst.stores.StoreKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * A store in one S3 bucket (AWS SDK v2), or in any S3-compatible server through an endpoint and path-style
 * addressing. Keys map to object names through {@link ObjectNames}; values above
 * {@value #MULTIPART_THRESHOLD} bytes go up as a multipart upload, which S3 makes visible only whole.
 *
 * <p>The SDK retries once ({@value #SDK_ATTEMPTS} attempts): retries belong to the retry layer above, and
 * two retrying layers multiply each other's attempts.
 */
public final class S3Store implements KeyValueStore {
    public static final int SDK_ATTEMPTS = 2;
    static final int MULTIPART_THRESHOLD = 16 * 1024 * 1024;
    static final int PART_SIZE = 8 * 1024 * 1024;
    /** Error codes S3 and compatible servers send for "try again later". */
    private static final Set<String> TRANSIENT_CODES =
            Set.of("SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException");
    private static final Set<String> CREDENTIAL_CODES = Set.of(
            "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken",
            "TokenRefreshRequired", "InvalidSecurity");

    private final S3StoreConfig config;
    private final S3Client client;
    /** STS, and the role's credentials it refreshes; both null without a role. */
    private final StsClient sts;
    private final StsAssumeRoleCredentialsProvider roleCredentials;
    // What each object is written with; null (no header) leaves it to the bucket.
    private final ServerSideEncryption encryption;
    private final String kmsKeyId;
    private final Boolean bucketKey;
    private final String storageClass;
    private final CloseGuard guard;
    private final StoreFailures failures;

    public S3Store(S3StoreConfig config) {
        this.config = requireNonNull(config, "config");
        this.guard = new CloseGuard(config.name());
        this.failures = new StoreFailures(config.name(), "S3", "bucket", config.bucket(), CREDENTIAL_CODES, TRANSIENT_CODES,
                "fix store.%s.access.key.id and store.%s.secret.access.key, or the default credential chain, and the bucket policy"
                        .formatted(config.name(), config.name()));
        this.sts = config.role().map(role -> stsClient(config, role)).orElse(null);
        this.roleCredentials = config.role().map(role -> StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> r.roleArn(role.arn()).roleSessionName(role.sessionName())
                        .externalId(role.externalId().orElse(null)))
                .build()).orElse(null);
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(httpClient(config).maxConnections(config.maxConnections()))
                .credentialsProvider(roleCredentials != null ? roleCredentials : baseCredentials(config))
                .forcePathStyle(config.pathStyle())
                .overrideConfiguration(c -> {
                    c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(SDK_ATTEMPTS).build());
                    config.timeouts().request().ifPresent(c::apiCallAttemptTimeout);
                });
        config.endpoint().ifPresent(builder::endpointOverride);
        region(config).ifPresent(builder::region);
        this.client = builder.build();
        S3StoreConfig.Encryption sse = config.encryption();
        this.encryption = switch (sse.mode()) {
            case BUCKET_DEFAULT -> null;
            case SSE_S3 -> ServerSideEncryption.AES256;
            case SSE_KMS -> ServerSideEncryption.AWS_KMS;
        };
        this.kmsKeyId = sse.kmsKeyId().orElse(null);
        this.bucketKey = sse.bucketKey() ? Boolean.TRUE : null;
        this.storageClass = config.storageClass().orElse(null);
    }

    private static Optional<Region> region(S3StoreConfig config) {
        return config.region().or(() -> config.endpoint().map(endpoint -> Region.US_EAST_1.id())).map(Region::of);
    }

    /** The HTTP client of S3 and of STS: the same proxy and connect timeout for both. */
    private static Apache5HttpClient.Builder httpClient(S3StoreConfig config) {
        Apache5HttpClient.Builder http = Apache5HttpClient.builder();
        config.timeouts().connect().ifPresent(http::connectionTimeout);
        config.proxy().ifPresent(proxy -> http.proxyConfiguration(ProxyConfiguration.builder()
                .endpoint(proxy.url())
                .username(proxy.username().orElse(null))
                .password(proxy.password().orElse(null))
                // The configured proxy only: not one from http.proxyHost or HTTPS_PROXY as well.
                .useSystemPropertyValues(false)
                .useEnvironmentVariableValues(false)
                .build()));
        return http;
    }

    private static AwsCredentialsProvider baseCredentials(S3StoreConfig config) {
        return config.credentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    private static StsClient stsClient(S3StoreConfig config, S3StoreConfig.AssumedRole role) {
        StsClientBuilder sts = StsClient.builder()
                .httpClientBuilder(httpClient(config))
                .credentialsProvider(baseCredentials(config));
        role.stsEndpoint().ifPresent(sts::endpointOverride);
        region(config).ifPresent(sts::region);
        return sts.build();
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public void put(String key, byte[] value) {
        StoreKeys.check(key);
        requireNonNull(value, "value");
        guard.ensureOpen();
        String object = ObjectNames.encode(key);
        try {
            if (value.length > MULTIPART_THRESHOLD) {
                putMultipart(object, value);
            } else {
                // fromBytes copies, so the caller may change its array while the request is under way.
                client.putObject(b -> b.bucket(config.bucket()).key(object).serverSideEncryption(encryption)
                        .ssekmsKeyId(kmsKeyId).bucketKeyEnabled(bucketKey).storageClass(storageClass),
                        RequestBody.fromBytes(value));
            }
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    private void putMultipart(String object, byte[] value) {
        String uploadId = client.createMultipartUpload(b -> b.bucket(config.bucket()).key(object)
                .serverSideEncryption(encryption).ssekmsKeyId(kmsKeyId).bucketKeyEnabled(bucketKey)
                .storageClass(storageClass)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (int offset = 0, number = 1; offset < value.length; offset += PART_SIZE, number++) {
                int partNumber = number;
                byte[] part = Arrays.copyOfRange(value, offset, Math.min(value.length, offset + PART_SIZE));
                String etag = client.uploadPart(b -> b.bucket(config.bucket()).key(object).uploadId(uploadId)
                        .partNumber(partNumber), RequestBody.fromBytes(part)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client.completeMultipartUpload(b -> b.bucket(config.bucket()).key(object).uploadId(uploadId)
                    .multipartUpload(u -> u.parts(parts)));
        } catch (SdkException e) {
            try {
                client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(object).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                // The bucket's lifecycle rule for incomplete uploads, if any, cleans up; the put failure matters.
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        try {
            return Optional.of(client.getObjectAsBytes(b -> b.bucket(config.bucket()).key(ObjectNames.encode(key)))
                    .asByteArrayUnsafe());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public void remove(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        try {
            client.deleteObject(b -> b.bucket(config.bucket()).key(ObjectNames.encode(key)));
        } catch (SdkException e) {
            throw failure("remove", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        StoreKeys.checkPrefix(prefix);
        guard.ensureOpen();
        List<String> keys = new ArrayList<>();
        try {
            for (String objectPrefix : ObjectNames.listPrefixes(prefix)) {
                // The paginator follows continuation tokens through every page of 1,000.
                for (S3Object object : client.listObjectsV2Paginator(
                        b -> b.bucket(config.bucket()).prefix(objectPrefix).encodingType(EncodingType.URL)).contents()) {
                    ObjectNames.decode(object.key()).ifPresent(keys::add);
                }
            }
        } catch (SdkException e) {
            throw failure("list", prefix, e);
        }
        return keys;
    }

    @Override
    public void close() {
        if (guard.close()) {
            client.close();
            if (sts != null) {
                roleCredentials.close();
                sts.close();
            }
        }
    }

    @Override
    public String toString() {
        return "S3Store[" + config.name() + ", bucket=" + config.bucket() + "]";
    }

    /** Sorts an SDK failure into retriable or not, with a message that names the store, the key and the fix. */
    private StoreException failure(String operation, String key, SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            if ("NoSuchBucket".equals(code)) {
                return failures.missingContainer(inRegion(), e);
            }
            if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
                // A bucket in another region: S3 redirects, or rejects a signature made for the wrong region.
                String actual = Optional.ofNullable(s3.awsErrorDetails())
                        .flatMap(details -> details.sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region"))
                        .map(region -> "region '" + region + "'").orElse("another region");
                return new StoreException("store '%s': bucket '%s' is in %s, not %s (%s); fix store.%s.region".formatted(
                        config.name(), config.bucket(), actual,
                        config.region().map(region -> "'" + region + "'").orElse("the default region"),
                        s3.awsErrorDetails() == null ? status : s3.awsErrorDetails().errorMessage(), config.name()), e);
            }
            return failures.answered(operation, key, status, code, e);
        }
        if (e instanceof AbortedException) {
            return failures.interrupted(operation, key, e); // the SDK saw this thread's interrupt and cleared it
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return failures.noAnswer(operation, key, e);
        }
        return failures.unanswered(operation, key, e);
    }

    private String inRegion() {
        return config.region().map(region -> " in region '" + region + "'").orElse("");
    }
}
