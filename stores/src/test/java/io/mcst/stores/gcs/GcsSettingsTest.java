package io.mcst.stores.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.HttpProxy;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.gcs.GcsTestServer.UploadStart;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each GCS setting reaches the wire: the test server records how each upload began (it does not enforce
 * classes or keys), and a {@link FaultyHttpProxy} stands in for a forward proxy.
 */
class GcsSettingsTest {
    private static final String BUCKET = "settings";
    private static final String KEY = "projects/p/locations/global/keyRings/r/cryptoKeys/archive";
    private static GcsTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = GcsTestServer.started();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static GcsStoreConfig config(Optional<String> storageClass, Optional<String> kmsKeyName, Optional<HttpProxy> proxy) {
        return new GcsStoreConfig("gcs", BUCKET, Optional.of("test-project"), Optional.empty(), Optional.of(server.host()),
                storageClass, kmsKeyName, proxy, 8);
    }

    @Test
    void theStorageClassAndKmsKeyGoWithSmallAndResumableUploads() {
        int before = server.uploadStarts().size();
        try (KeyValueStore store = new GcsStore(config(Optional.of("NEARLINE"), Optional.of(KEY), Optional.empty()))) {
            store.put("small", new byte[] {1});
            store.put("large", new byte[GcsStore.RESUMABLE_ABOVE + 1]);
            assertThat(store.get("small")).hasValueSatisfying(value -> assertThat(value).containsExactly(1));
            store.remove("small");
            store.remove("large");
        }
        List<UploadStart> uploads = server.uploadStarts().subList(before, server.uploadStarts().size());
        assertThat(uploads).hasSize(2).allSatisfy(upload -> {
            assertThat(upload.query()).containsEntry("kmsKeyName", KEY);
            assertThat(upload.metadata()).contains("\"storageClass\":\"NEARLINE\"");
        });
    }

    @Test
    void theDefaultsAskForNoClassAndNoKey() {
        int before = server.uploadStarts().size();
        try (KeyValueStore store = new GcsStore(config(Optional.empty(), Optional.empty(), Optional.empty()))) {
            store.put("plain", new byte[] {1});
            store.remove("plain");
        }
        UploadStart upload = server.uploadStarts().get(before);
        assertThat(upload.query()).doesNotContainKey("kmsKeyName");
        assertThat(upload.metadata()).doesNotContain("storageClass");
    }

    @Test
    void requestsGoThroughTheConfiguredProxy() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(URI.create(server.host()));
                KeyValueStore store = new GcsStore(config(Optional.empty(), Optional.empty(),
                        Optional.of(new HttpProxy(URI.create("http://127.0.0.1:" + proxy.port()), Optional.empty(),
                                Optional.empty()))))) {
            store.put("proxied", new byte[] {1, 2});
            assertThat(store.get("proxied")).hasValueSatisfying(value -> assertThat(value).containsExactly(1, 2));
            store.remove("proxied");
            // A forward proxy sees the absolute URL of the server, not a path.
            assertThat(proxy.requests()).hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(request -> assertThat(request).contains(" " + server.host() + "/"));
        }
    }

    @Test
    void theProxyCredentialsAnswerTheProxysChallenge() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(URI.create(server.host()));
                KeyValueStore store = new GcsStore(config(Optional.empty(), Optional.empty(),
                        Optional.of(new HttpProxy(URI.create("http://127.0.0.1:" + proxy.port()), Optional.of("archiver"),
                                Optional.of("proxy-secret")))))) {
            // Over https the proxy challenges the CONNECT; over http this body-less request.
            proxy.failNext(1, FaultyHttpProxy.PROXY_AUTHENTICATION_REQUIRED);
            assertThat(store.get("absent")).isEmpty();
            store.put("authenticated", new byte[] {1, 2});
            assertThat(store.get("authenticated")).hasValueSatisfying(value -> assertThat(value).containsExactly(1, 2));
            store.remove("authenticated");
            assertThat(proxy.requests()).anySatisfy(request -> assertThat(request)
                    .contains(FaultyHttpProxy.proxyAuthorization("archiver", "proxy-secret")));
        }
    }
}
