package io.mcst.stores.gcs;

import static java.util.Objects.requireNonNull;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.WriteChannel;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.mcst.stores.CloseGuard;
import io.mcst.stores.HttpProxy;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.ObjectNames;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreFailures;
import io.mcst.stores.StoreKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.DefaultProxyRoutePlanner;

/**
 * A store in one Google Cloud Storage bucket, over the JSON API. Keys map to object names through
 * {@link ObjectNames} (GCS forbids the names {@code .} and {@code ..}). Values above
 * {@value #RESUMABLE_ABOVE} bytes go up as a resumable upload in chunks, smaller ones in one request;
 * either way GCS makes the object visible only whole.
 *
 * <p>GCS answers 404 both for a missing object and a missing bucket. The first 404 makes the store check
 * the bucket once, so a misconfigured bucket is reported as such rather than read as "no such key".
 *
 * <p>The client tries each request at most {@value #SDK_ATTEMPTS} times: retries belong to the retry layer. It
 * talks over Apache's HTTP client with a pool of {@link GcsStoreConfig#maxConnections()} connections, as many
 * as the calls the store runs at once: the JDK transport the client uses by default keeps only five idle
 * connections per host ({@code http.maxConnections}), so most concurrent calls would open a new one each time.
 */
public final class GcsStore implements KeyValueStore {
    static final int SDK_ATTEMPTS = 2;
    /** Google's advice: a single-request upload up to about 5 MiB, resumable above. */
    static final int RESUMABLE_ABOVE = 5 * 1024 * 1024;
    private static final int CHUNK_SIZE = 8 * 1024 * 1024;
    static final int LIST_PAGE_SIZE = 1_000;

    private final GcsStoreConfig config;
    private final HttpTransport transport;
    private final Storage storage;
    private final CloseGuard guard;
    private final StoreFailures failures;
    private volatile boolean bucketSeen;
    // The KMS key, if any, as the two upload paths take it.
    private final Storage.BlobTargetOption[] createOptions;
    private final Storage.BlobWriteOption[] writeOptions;

    public GcsStore(GcsStoreConfig config) {
        this.config = requireNonNull(config, "config");
        this.guard = new CloseGuard(config.name());
        this.failures = new StoreFailures(config.name(), "GCS", "bucket", config.bucket(), Set.of(), Set.of(),
                "fix store.%s.credentials.json, or the Application Default Credentials, and the bucket's IAM roles"
                        .formatted(config.name()));
        this.transport = transport(config);
        StorageOptions.Builder options = StorageOptions.http()
                .setTransportOptions(HttpTransportOptions.newBuilder().setHttpTransportFactory(() -> transport).build())
                .setCredentials(credentials(config))
                .setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(SDK_ATTEMPTS).build());
        config.project().ifPresent(options::setProjectId);
        config.host().ifPresent(options::setHost);
        this.storage = options.build().getService();
        this.createOptions = config.kmsKeyName().map(key -> new Storage.BlobTargetOption[] {Storage.BlobTargetOption.kmsKeyName(key)})
                .orElse(new Storage.BlobTargetOption[0]);
        this.writeOptions = config.kmsKeyName().map(key -> new Storage.BlobWriteOption[] {Storage.BlobWriteOption.kmsKeyName(key)})
                .orElse(new Storage.BlobWriteOption[0]);
    }

    /**
     * Apache's transport rather than the JDK's URLConnection one: its connection pool holds as many connections
     * as the store runs calls at once, and it authenticates to a proxy (also for the CONNECT of https) with this
     * store's user alone, not the JVM-wide {@link java.net.Authenticator}.
     */
    private static ApacheHttpTransport transport(GcsStoreConfig config) {
        HttpClientBuilder client = ApacheHttpTransport.newDefaultHttpClientBuilder()
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnections());
        config.proxy().ifPresent(proxy -> {
            HttpHost host = new HttpHost(proxy.url().getHost(), proxy.url().getPort(), proxy.url().getScheme());
            client.setRoutePlanner(new DefaultProxyRoutePlanner(host));
            proxy.username().ifPresent(user -> {
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(user, proxy.password().orElseThrow()));
                client.setDefaultCredentialsProvider(credentials);
            });
        });
        return new ApacheHttpTransport(client.build());
    }

    private static Credentials credentials(GcsStoreConfig config) {
        try {
            if (config.credentialsJson().isPresent()) {
                byte[] json = config.credentialsJson().get().getBytes(StandardCharsets.UTF_8);
                return GoogleCredentials.fromStream(new ByteArrayInputStream(json));
            }
            return config.host().isPresent() ? NoCredentials.getInstance() : GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw new StoreException("store '%s': no usable Google credentials (%s); set store.%s.credentials.json to a "
                    .formatted(config.name(), e.getMessage(), config.name())
                    + "service account key, or configure Application Default Credentials", e);
        }
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
        BlobInfo.Builder builder = BlobInfo.newBuilder(config.bucket(), ObjectNames.encode(key))
                .setContentType("application/octet-stream");
        config.storageClass().map(StorageClass::valueOf).ifPresent(builder::setStorageClass);
        BlobInfo info = builder.build();
        try {
            if (value.length > RESUMABLE_ABOVE) {
                try (WriteChannel writer = storage.writer(info, writeOptions)) {
                    writer.setChunkSize(CHUNK_SIZE);
                    ByteBuffer buffer = ByteBuffer.wrap(value);
                    while (buffer.hasRemaining()) {
                        writer.write(buffer);
                    }
                }
            } else {
                storage.create(info, value, createOptions);
            }
        } catch (IOException e) {
            throw failure("put", key, new StorageException(e));
        } catch (RuntimeException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        try {
            return Optional.of(storage.readAllBytes(BlobId.of(config.bucket(), ObjectNames.encode(key))));
        } catch (StorageException e) {
            if (e.getCode() == 404 && bucketExists(key)) {
                return Optional.empty();
            }
            throw failure("get", key, e);
        } catch (RuntimeException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public void remove(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        try {
            // false: there was no such object, or no such bucket.
            if (!storage.delete(BlobId.of(config.bucket(), ObjectNames.encode(key)))) {
                bucketExists(key);
            }
        } catch (RuntimeException e) {
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
                // iterateAll() follows nextPageToken through every page.
                for (Blob blob : storage.list(config.bucket(), BlobListOption.prefix(objectPrefix),
                        BlobListOption.pageSize(LIST_PAGE_SIZE), BlobListOption.fields(Storage.BlobField.NAME)).iterateAll()) {
                    ObjectNames.decode(blob.getName()).ifPresent(keys::add);
                }
            }
        } catch (RuntimeException e) {
            throw failure("list", prefix, e);
        }
        return keys;
    }

    @Override
    public void close() {
        if (guard.close()) {
            try {
                storage.close();
                transport.shutdown();
            } catch (Exception e) {
                throw new StoreException("store '" + config.name() + "': closing the GCS client failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "GcsStore[" + config.name() + ", bucket=" + config.bucket() + "]";
    }

    /** True once the bucket is known to exist; a missing bucket is a configuration error, not "no such key". */
    private boolean bucketExists(String key) {
        if (bucketSeen) {
            return true;
        }
        try {
            if (storage.get(config.bucket()) == null) {
                throw missingBucket(null);
            }
        } catch (RuntimeException e) {
            throw failure("check the bucket for", key, e);
        }
        bucketSeen = true;
        return true;
    }

    private StoreException missingBucket(Throwable cause) {
        return failures.missingContainer(config.project().map(p -> " in project '" + p + "'").orElse(""), cause);
    }

    /** Sorts a client failure into retriable or not, with a message that names the store, the key and the fix. */
    private StoreException failure(String operation, String key, RuntimeException e) {
        if (e instanceof StoreException alreadySorted) {
            return alreadySorted;
        }
        if (e instanceof BaseServiceException gcs && gcs.getCode() > 0) {
            if (gcs.getCode() == 404 && !operation.equals("get")) {
                // Writes and listings name only the bucket: their 404 is always a missing bucket.
                return missingBucket(e);
            }
            return failures.answered(operation, key, gcs.getCode(), gcs.getReason(), e);
        }
        return failures.unanswered(operation, key, e);
    }
}
