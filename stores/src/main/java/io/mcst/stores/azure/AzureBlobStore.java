package io.mcst.stores.azure;

import static java.util.Objects.requireNonNull;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.ProxyOptions;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.mcst.stores.CloseGuard;
import io.mcst.stores.HttpProxy;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.ObjectNames;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreFailures;
import io.mcst.stores.StoreKeys;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.azure.AzureBlobStoreConfig.AccountKey;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import io.mcst.stores.azure.AzureBlobStoreConfig.DefaultCredential;
import io.mcst.stores.azure.AzureBlobStoreConfig.SasToken;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A store in one Azure Blob Storage container (block blobs), over the JDK's HTTP client rather than the
 * SDK's default Netty one, which clashes with Kafka's. Keys map to blob names through {@link ObjectNames}:
 * Azure rejects segments that end in a dot and normalizes {@code .} and {@code ..}. Large values are
 * uploaded as blocks committed in one step, so a blob is never seen half-written.
 *
 * <p>The SDK tries each request once ({@link #SDK_ATTEMPTS}): retries belong to the retry layer.
 *
 * <p>With {@link DefaultCredential} the store asks Azure's {@code DefaultAzureCredential} chain for a token on
 * its first call, not when it is built, so a store without any credential fails on that call with a
 * non-retriable {@link StoreException} that lists what the chain tried.
 */
public final class AzureBlobStore implements KeyValueStore {
    /**
     * One: the SDK does not retry at all. Its retry of a download that got a 503 fails with "This publisher
     * has already one subscriber" over the JDK HTTP client (seen with azure-storage-blob 12.35.0 and
     * azure-core-http-jdk-httpclient 1.1.6), so retries are left to the retry layer.
     */
    static final int SDK_ATTEMPTS = 1;
    private static final String ALLOW_RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";
    private static final Logger LOG = LoggerFactory.getLogger(AzureBlobStore.class);
    private static final boolean JDK_ACCEPTS_CONTENT_LENGTH = allowContentLengthHeader();
    /** Below Azure's 5,000 so that a modest listing already crosses pages. */
    static final int LIST_PAGE_SIZE = 1_000;
    private static final Set<String> CREDENTIAL_CODES = codes(
            BlobErrorCode.AUTHENTICATION_FAILED, BlobErrorCode.AUTHORIZATION_FAILURE,
            BlobErrorCode.INSUFFICIENT_ACCOUNT_PERMISSIONS, BlobErrorCode.INVALID_AUTHENTICATION_INFO,
            BlobErrorCode.AUTHORIZATION_PERMISSION_MISMATCH, BlobErrorCode.ACCOUNT_IS_DISABLED);
    private static final Set<String> TRANSIENT_CODES = codes(
            BlobErrorCode.SERVER_BUSY, BlobErrorCode.OPERATION_TIMED_OUT, BlobErrorCode.INTERNAL_ERROR);

    private final AzureBlobStoreConfig config;
    /**
     * The container, through the SDK's async client, each call blocking for its answer. Its sync client logs an
     * I/O failure of a delete or a listing at ERROR in three SDK classes before it throws it (bare
     * "java.net.ConnectException" lines naming no store, three per call during an outage); the async one
     * only signals it, and this store reports it naming itself. Uploads and downloads take the async path in
     * the sync client too.
     */
    private final BlobContainerAsyncClient container;
    private final CloseGuard guard;
    private final StoreFailures failures;
    /** The tier each blob is written in; null leaves it to the account. */
    private final AccessTier accessTier;

    public AzureBlobStore(AzureBlobStoreConfig config) {
        this.config = requireNonNull(config, "config");
        this.guard = new CloseGuard(config.name());
        String credentialFix = config.credentials() instanceof DefaultCredential
                ? "grant the default credential's identity a data role on the container (e.g. Storage Blob "
                        + "Data Contributor), or set store.%s.connection.string or store.%s.account.key"
                : config.credentials() instanceof SasToken
                        ? "fix store.%s.sas.token: it must be current and grant read, write, delete and list on the container"
                        : "fix store.%s.connection.string, or store.%s.account.name and store.%s.account.key";
        this.failures = new StoreFailures(config.name(), "Azure", "container", config.container(), CREDENTIAL_CODES,
                TRANSIENT_CODES, credentialFix.formatted(config.name(), config.name(), config.name()));
        HttpClient httpClient = httpClient(config.proxy());
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .httpClient(httpClient)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, SDK_ATTEMPTS,
                        (Duration) null, null, null, null));
        if (config.credentials() instanceof ConnectionString connectionString) {
            builder.connectionString(connectionString.value());
            config.endpoint().ifPresent(endpoint -> builder.endpoint(endpoint.toString()));
        } else if (config.credentials() instanceof AccountKey key) {
            builder.credential(new StorageSharedKeyCredential(key.accountName(), key.accountKey()))
                    .endpoint(config.endpoint().map(Object::toString).orElse(accountEndpoint(key.accountName())));
        } else if (config.credentials() instanceof SasToken sas) {
            builder.sasToken(sas.token()).endpoint(config.endpoint().map(Object::toString)
                    .orElseGet(() -> accountEndpoint(sas.accountName().orElseThrow())));
        } else if (config.credentials() instanceof DefaultCredential chain) {
            // The chain's own token requests (managed identity, Entra ID) go over the same JDK client: no Netty.
            builder.credential(new DefaultAzureCredentialBuilder().httpClient(httpClient).build())
                    .endpoint(config.endpoint().map(Object::toString)
                            .orElseGet(() -> accountEndpoint(chain.accountName().orElseThrow())));
        }
        config.encryptionScope().ifPresent(builder::encryptionScope);
        this.container = builder.buildAsyncClient().getBlobContainerAsyncClient(config.container());
        this.accessTier = config.accessTier().map(AccessTier::fromString).orElse(null);
    }

    /**
     * Azure's HTTP client over the JDK's, as every Azure client of this project builds it.
     *
     * <p>That adapter takes a body's length from the SDK's Content-Length header and also copies the header into
     * the request, where the JDK, for which Content-Length is restricted, drops it: one WARN per upload ("The
     * header is restricted by 'java.net.http.HttpClient' and will be ignored"), harmless since the JDK sends the
     * same length itself. The cause goes away when the JDK allows the header (system property
     * {@value #ALLOW_RESTRICTED_HEADERS}=content-length): it then sends the SDK's value, which is the body's
     * length, as the one Content-Length. The JDK reads that property once, when its HTTP client first loads, so
     * it is set here if nobody set it; and the adapter is told to pass the header only if the JDK really
     * accepts it, since a header the JDK refuses would fail every upload.
     *
     * <p>Proxy credentials go as a {@code Proxy-Authorization} header on every request, not through the
     * adapter's proxy credentials: those become a JDK {@code Authenticator}, and a JDK client with one drops
     * every {@code Authorization} header the SDK sets, so each request would go out unsigned.
     */
    static HttpClient httpClient(Optional<HttpProxy> proxy) {
        JdkHttpClientBuilder http = new JdkHttpClientBuilder().configuration(new ConfigurationBuilder(
                path -> Map.of(), path -> Map.of(ALLOW_RESTRICTED_HEADERS, JDK_ACCEPTS_CONTENT_LENGTH ? "content-length" : ""),
                path -> Map.of()).build());
        proxy.ifPresent(p -> http.proxy(new ProxyOptions(ProxyOptions.Type.HTTP,
                new InetSocketAddress(p.url().getHost(), p.url().getPort()))));
        HttpClient client = http.build();
        return proxy.flatMap(HttpProxy::basicAuthorization)
                .<HttpClient>map(authorization -> new ProxyAuthorizingClient(client, authorization))
                .orElse(client);
    }

    /** Sends {@code authorization} as the Proxy-Authorization of every request (see {@link #httpClient}). */
    private record ProxyAuthorizingClient(HttpClient delegate, String authorization) implements HttpClient {
        @Override
        public Mono<HttpResponse> send(HttpRequest request) {
            return send(request, Context.NONE);
        }

        @Override
        public Mono<HttpResponse> send(HttpRequest request, Context context) {
            return delegate.send(request.setHeader(HttpHeaderName.PROXY_AUTHORIZATION, authorization), context);
        }

        @Override
        public HttpResponse sendSync(HttpRequest request, Context context) {
            return delegate.sendSync(request.setHeader(HttpHeaderName.PROXY_AUTHORIZATION, authorization), context);
        }
    }

    private static boolean allowContentLengthHeader() {
        if (System.getProperty(ALLOW_RESTRICTED_HEADERS) == null) {
            System.setProperty(ALLOW_RESTRICTED_HEADERS, "content-length");
        }
        try {
            java.net.http.HttpRequest.newBuilder().header("Content-Length", "0");
            return true;
        } catch (IllegalArgumentException restricted) {
            // The JDK's client loaded before this class (or the property names other headers): the WARN stays.
            LOG.info("Azure uploads will log a WARN each about the restricted Content-Length header; start the JVM "
                    + "with -D{}=content-length (e.g. in KAFKA_OPTS) to remove its cause", ALLOW_RESTRICTED_HEADERS);
            return false;
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
        try {
            // The upload reads the bytes while this call runs; without request conditions it replaces any
            // existing blob.
            container.getBlobAsyncClient(ObjectNames.encode(key))
                    .uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(value)).setTier(accessTier))
                    .block();
        } catch (RuntimeException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        StoreKeys.check(key);
        guard.ensureOpen();
        try {
            return Optional.of(container.getBlobAsyncClient(ObjectNames.encode(key)).downloadContent().block().toBytes());
        } catch (BlobStorageException e) {
            if (BlobErrorCode.BLOB_NOT_FOUND.equals(e.getErrorCode())) {
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
            container.getBlobAsyncClient(ObjectNames.encode(key)).deleteWithResponse(null, null).block();
        } catch (BlobStorageException e) {
            // deleteIfExists() would also swallow a missing container; only a missing blob is a no-op.
            if (!BlobErrorCode.BLOB_NOT_FOUND.equals(e.getErrorCode())) {
                throw failure("remove", key, e);
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
            for (String blobPrefix : ObjectNames.listPrefixes(prefix)) {
                ListBlobsOptions options = new ListBlobsOptions().setMaxResultsPerPage(LIST_PAGE_SIZE);
                if (!blobPrefix.isEmpty()) {
                    options.setPrefix(blobPrefix);
                }
                // The iterable fetches page after page, following the continuation marker.
                for (BlobItem blob : container.listBlobs(options).toIterable()) {
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
        // The JDK HTTP client holds no resources that outlive its last request.
        guard.close();
    }

    @Override
    public String toString() {
        return "AzureBlobStore[" + config.name() + ", container=" + config.container() + "]";
    }

    /** Sorts an SDK failure into retriable or not, with a message that names the store, the key and the fix. */
    private StoreException failure(String operation, String key, RuntimeException e) {
        if (e instanceof BlobStorageException azure) {
            BlobErrorCode code = azure.getErrorCode();
            int status = azure.getStatusCode();
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                return failures.missingContainer(" in the storage account", e);
            }
            if (status == 412 && operation.equals("get")) {
                // The blob was overwritten between the chunks of one download: reading again gets a whole value.
                return new StoreUnavailableException(failures.call(operation, key) + ": the blob changed while it was read", e);
            }
            return failures.answered(operation, key, status, code == null ? null : code.toString(), e);
        }
        Optional<ClientAuthenticationException> noToken = StoreFailures.causeOf(e, ClientAuthenticationException.class);
        if (noToken.isPresent()) {
            // The default chain found no credential, or the one it found was refused: retrying cannot help.
            return new StoreException(("%s: the default Azure credential chain got no token; give this process an "
                    + "identity (AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET, workload or managed identity, "
                    + "or 'az login'), or set store.%s.connection.string, or store.%s.account.name and "
                    + "store.%s.account.key. Azure said: %s").formatted(failures.call(operation, key), config.name(),
                    config.name(), config.name(), noToken.get().getMessage()), e);
        }
        return failures.unanswered(operation, key, e);
    }

    private static Set<String> codes(BlobErrorCode... codes) {
        return Arrays.stream(codes).map(BlobErrorCode::toString).collect(Collectors.toUnmodifiableSet());
    }

    private static String accountEndpoint(String accountName) {
        return "https://" + accountName + ".blob.core.windows.net";
    }
}
