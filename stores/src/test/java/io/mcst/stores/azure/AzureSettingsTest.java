package io.mcst.stores.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.HttpProxy;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.LogCapture;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.azure.AzureBlobStoreConfig.AccountKey;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import io.mcst.stores.azure.AzureBlobStoreConfig.SasToken;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each Azure setting reaches the wire, seen by a {@link FaultyHttpProxy} on the way to Azurite (which does not
 * report tiers and refuses unknown encryption scopes, so the headers are asserted); and an upload logs no
 * warning.
 */
class AzureSettingsTest {
    private static final String CONTAINER = "settings";
    private static AzuriteServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = AzuriteServer.started();
        server.createContainer(CONTAINER);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static URI through(FaultyHttpProxy recorder) {
        return URI.create("http://127.0.0.1:" + recorder.port() + "/" + AzuriteServer.ACCOUNT);
    }

    private static void roundTrip(KeyValueStore store, String key) {
        store.put(key, new byte[] {1, 2, 3});
        assertThat(store.get(key)).hasValueSatisfying(value -> assertThat(value).containsExactly(1, 2, 3));
        store.remove(key);
    }

    @Test
    void theAccessTierAndEncryptionScopeGoWithEachUpload() throws Exception {
        try (FaultyHttpProxy recorder = new FaultyHttpProxy(server.blobEndpoint());
                AzureBlobStore store = new AzureBlobStore(new AzureBlobStoreConfig("azure", CONTAINER,
                        new AccountKey(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY), Optional.of(through(recorder)),
                        Optional.of("Cool"), Optional.of("archive-scope"), Optional.empty()))) {
            // Azurite refuses unknown encryption scopes, so the recorder answers the upload as Azure would.
            recorder.failNext(1, new FaultyHttpProxy.Failure(201, "Created",
                    java.util.List.of("ETag: \"0x1\"", "x-ms-request-server-encrypted: true"), ""));
            store.put("tiered", new byte[] {1});
            assertThat(recorder.firstRequest("PUT").toLowerCase())
                    .contains("x-ms-access-tier: cool")
                    .contains("x-ms-encryption-scope: archive-scope");
        }
    }

    @Test
    void aSasTokenAuthenticatesEveryRequestInItsQuery() throws Exception {
        String sas = new BlobServiceClientBuilder().connectionString(server.connectionString())
                .httpClient(AzureBlobStore.httpClient(Optional.empty())).buildClient()
                .generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                        AccountSasPermission.parse("rwdlc"), new AccountSasService().setBlobAccess(true),
                        AccountSasResourceType.parse("sco")));
        try (FaultyHttpProxy recorder = new FaultyHttpProxy(server.blobEndpoint());
                AzureBlobStore store = new AzureBlobStore(new AzureBlobStoreConfig("azure", CONTAINER,
                        new SasToken(sas, Optional.empty()), Optional.of(through(recorder))))) {
            roundTrip(store, "sas");
            assertThat(recorder.requests()).hasSizeGreaterThanOrEqualTo(3).allSatisfy(request -> assertThat(request)
                    .contains("sig=").contains("sv=").doesNotContainIgnoringCase("authorization:"));
        }
    }

    @Test
    void requestsGoThroughTheConfiguredProxy() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(server.blobEndpoint());
                AzureBlobStore store = new AzureBlobStore(new AzureBlobStoreConfig("azure", CONTAINER,
                        new ConnectionString(server.connectionString()), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.of(new HttpProxy(URI.create("http://127.0.0.1:" + proxy.port()),
                                Optional.empty(), Optional.empty()))))) {
            roundTrip(store, "proxied");
            // A forward proxy sees the absolute URL of the endpoint, not a path.
            assertThat(proxy.firstRequest("PUT")).startsWith("PUT " + server.blobEndpoint() + "/" + CONTAINER + "/");
        }
    }

    @Test
    void theProxyCredentialsGoWithEveryRequestWhichStaysSigned() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(server.blobEndpoint());
                AzureBlobStore store = new AzureBlobStore(new AzureBlobStoreConfig("azure", CONTAINER,
                        new ConnectionString(server.connectionString()), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.of(new HttpProxy(URI.create("http://127.0.0.1:" + proxy.port()),
                                Optional.of("archiver"), Optional.of("proxy-secret")))))) {
            roundTrip(store, "authenticated");
            // Sent with every request, unasked; and the requests stay signed, which a JDK Authenticator would prevent.
            assertThat(proxy.requests()).hasSizeGreaterThanOrEqualTo(3).allSatisfy(request -> assertThat(request)
                    .contains(FaultyHttpProxy.proxyAuthorization("archiver", "proxy-secret"))
                    .contains("Authorization: SharedKey " + AzuriteServer.ACCOUNT + ":"));
        }
    }

    /**
     * In a JVM of its own, since the JDK reads which headers it allows once, when its HTTP client first loads
     * (in this JVM another test may have loaded it first). {@link #anUploadSendsOneContentLengthTheBodys} shows
     * the header that is now allowed goes out once, as the body's length.
     */
    @Test
    void uploadsLogNoWarning() throws Exception {
        Process uploads = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AzureUploads.class.getName(),
                server.connectionString(), CONTAINER).redirectErrorStream(true).start();
        String log = new String(uploads.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(uploads.waitFor()).as(log).isZero();
        assertThat(log).doesNotContain("WARN").doesNotContain("restricted");
    }

    @Test
    void anUploadSendsOneContentLengthTheBodys() throws Exception {
        try (FaultyHttpProxy recorder = new FaultyHttpProxy(server.blobEndpoint());
                AzureBlobStore store = new AzureBlobStore(new AzureBlobStoreConfig("azure", CONTAINER,
                        new AccountKey(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY), Optional.of(through(recorder))))) {
            roundTrip(store, "length");
            assertThat(recorder.firstRequest("PUT").toLowerCase().lines().filter(line -> line.startsWith("content-length:")))
                    .containsExactly("content-length: 3");
        }
    }

    /** The store reports an outage, naming itself; the SDK prints no ERROR of its own (it used to, three per call). */
    @Test
    void anUnreachableServerFailsEachCallNamingTheStoreAndTheSdkLogsNothing() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/" + AzuriteServer.ACCOUNT);
        try (AzureBlobStore store = new AzureBlobStore(new AzureBlobStoreConfig("azure", CONTAINER,
                new AccountKey(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY), Optional.of(nowhere)))) {
            List<ThrowingCallable> calls = List.of(() -> store.put("k", new byte[] {1}), () -> store.get("k"),
                    () -> store.remove("k"), () -> store.list(""));
            String log = LogCapture.stderrOf(() -> calls.forEach(call -> assertThatThrownBy(call)
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageStartingWith("store 'azure': ")
                    .hasMessageContaining("Azure did not answer")));
            assertThat(log).doesNotContain("ERROR").doesNotContain("ConnectException");
        }
    }
}
