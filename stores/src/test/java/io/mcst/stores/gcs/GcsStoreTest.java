package io.mcst.stores.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against our GCS JSON-API test server, through the real google-cloud-storage client; and how
 * the store reports failures: retriable or not, naming the store and the fix.
 */
class GcsStoreTest extends AbstractKeyValueStoreTest {
    private static final String BUCKET = "contract";
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

    @Override
    protected KeyValueStore createStore() {
        return new GcsStore(config(server, BUCKET));
    }

    private static GcsStoreConfig config(GcsTestServer server, String bucket) {
        return new GcsStoreConfig("gcs", bucket, Optional.of("test-project"), Optional.empty(), Optional.of(server.host()));
    }

    @Test
    void largeValuesGoUpResumableInChunksAndSmallOnesInOneRequest() {
        // Three 8 MiB chunks and a short last one.
        byte[] value = randomBytes(3 * 8 * 1024 * 1024 + 5, 11);
        assertThat(value.length).isGreaterThan(GcsStore.RESUMABLE_ABOVE);
        int resumable = server.uploadsStarted("resumable");
        int multipart = server.uploadsStarted("multipart");
        assertRoundTrip(key("resumable"), value);
        store.put(key("small"), utf8("one request"));
        assertThat(server.uploadsStarted("resumable")).isEqualTo(resumable + 1);
        assertThat(server.uploadsStarted("multipart")).isEqualTo(multipart + 1);
    }

    @Test
    void aStoppedServerIsUnavailable() throws Exception {
        try (GcsTestServer stopped = GcsTestServer.started()) {
            stopped.stop();
            try (GcsStore down = new GcsStore(config(stopped, BUCKET))) {
                assertThatThrownBy(() -> down.get(key("k")))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("store 'gcs'");
                assertThatThrownBy(() -> down.put(key("k"), utf8("v"))).isInstanceOf(StoreUnavailableException.class);
                assertThatThrownBy(() -> down.list(root)).isInstanceOf(StoreUnavailableException.class);
            }
        }
    }

    @Test
    void refusedCredentialsAreNotRetriableAndNameTheStore() {
        server.failNext(1, 401);
        assertThatThrownBy(() -> store.get(key("k")))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessageContaining("store 'gcs'")
                .hasMessageContaining("credentials")
                .hasMessageContaining("store.gcs.credentials.json");
        server.failNext(1, 403);
        assertThatThrownBy(() -> store.put(key("k"), utf8("v"))).isExactlyInstanceOf(StoreException.class);
    }

    @Test
    void aMissingBucketIsNotRetriableAndSaysHowToFixIt() {
        try (GcsStore missing = new GcsStore(config(server, "no-such-bucket"))) {
            for (Runnable call : List.<Runnable>of(() -> missing.get(key("k")), () -> missing.put(key("k"), utf8("v")),
                    () -> missing.list(root), () -> missing.remove(key("k")))) {
                assertThatThrownBy(call::run)
                        .isExactlyInstanceOf(StoreException.class)
                        .hasMessageContaining("store 'gcs': bucket 'no-such-bucket' does not exist in project 'test-project'")
                        .hasMessageContaining("create it or fix store.gcs.bucket");
            }
        }
    }

    @Test
    void throttlingIsUnavailableUntilItPasses() {
        store.put(key("k"), utf8("v"));
        server.failNext(GcsStore.SDK_ATTEMPTS, 429);
        assertThatThrownBy(() -> store.get(key("k"))).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("429");
        server.failNext(GcsStore.SDK_ATTEMPTS, 503);
        assertThatThrownBy(() -> store.list(root)).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("503");

        // Our call fails after the SDK's own retries; the next gets through: what the retry layer above relies on.
        server.failNext(GcsStore.SDK_ATTEMPTS, 503);
        assertThatThrownBy(() -> store.get(key("k"))).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v")));
    }
}
