package io.mcst.stores.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.HttpProxy;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.azure.AzureBlobStoreConfig.AccountKey;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import io.mcst.stores.azure.AzureBlobStoreConfig.SasToken;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each Azure setting reaches the wire, seen by a {@link FaultyHttpProxy} on the way to Azurite (which does not
 * report tiers and refuses unknown encryption scopes, so the headers are asserted).
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

    private static String putRequest(FaultyHttpProxy recorder) {
        return recorder.requests().stream().filter(request -> request.startsWith("PUT ")).findFirst().orElseThrow();
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
            assertThat(putRequest(recorder).toLowerCase())
                    .contains("x-ms-access-tier: cool")
                    .contains("x-ms-encryption-scope: archive-scope");
        }
    }

    @Test
    void aSasTokenAuthenticatesEveryRequestInItsQuery() throws Exception {
        String sas = new BlobServiceClientBuilder().connectionString(server.connectionString())
                .httpClient(new JdkHttpClientBuilder().build()).buildClient()
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
            assertThat(putRequest(proxy)).startsWith("PUT " + server.blobEndpoint() + "/" + CONTAINER + "/");
        }
    }
}
