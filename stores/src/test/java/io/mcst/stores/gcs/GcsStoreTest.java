package io.mcst.stores.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractCloudStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against our GCS JSON-API test server, through the real google-cloud-storage client; and how
 * the store reports failures: retriable or not, naming the store and the fix.
 */
class GcsStoreTest extends AbstractCloudStoreTest {
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
        return new GcsStoreConfig("gcs", bucket, Optional.of("test-project"), Optional.empty(), Optional.of(server.host()), 8);
    }

    /**
     * The HTTP pool holds max.concurrency connections and keeps them: waves of that many concurrent calls reuse
     * them. (The client's default JDK transport keeps five idle connections, and would open new ones each wave.)
     */
    @Test
    void concurrentCallsReuseAPoolOfMaxConnections() throws Exception {
        int connections = 12;
        store.put(key("pooled"), utf8("value"));
        GcsStore pooled = new GcsStore(new GcsStoreConfig("gcs", BUCKET, Optional.of("test-project"), Optional.empty(),
                Optional.of(server.host()), connections));
        ExecutorService callers = Executors.newFixedThreadPool(connections);
        try {
            int before = server.connectionsSeen();
            for (int wave = 0; wave < 5; wave++) {
                List<Callable<Optional<byte[]>>> gets = Collections.nCopies(connections, () -> pooled.get(key("pooled")));
                for (Future<Optional<byte[]>> get : callers.invokeAll(gets)) {
                    assertThat(get.get()).hasValueSatisfying(value -> assertThat(value).isEqualTo(utf8("value")));
                }
            }
            assertThat(server.connectionsSeen() - before).isBetween(1, connections);
        } finally {
            callers.shutdownNow();
            pooled.close();
        }
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
    void tooManyRequestsIsUnavailableToo() {
        store.put(key("k"), utf8("v"));
        server.failNext(GcsStore.SDK_ATTEMPTS, 429);
        assertThatThrownBy(() -> store.get(key("k"))).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("429");
    }

    @Override
    protected KeyValueStore storeWithRefusedCredentials(int calls) {
        // The test server takes any token; it refuses (401) the next calls as GCS refuses a bad one.
        server.failNext(calls, 401);
        return new GcsStore(config(server, BUCKET));
    }

    @Override
    protected String credentialKey() {
        return "store.gcs.credentials.json";
    }

    @Override
    protected KeyValueStore storeWithMissingContainer() {
        return new GcsStore(config(server, "no-such-bucket"));
    }

    @Override
    protected String missingContainerReport() {
        return "store 'gcs': bucket 'no-such-bucket' does not exist in project 'test-project'";
    }

    @Override
    protected String containerKey() {
        return "store.gcs.bucket";
    }

    @Override
    protected KeyValueStore throttledStore(int calls) {
        server.failNext(calls * GcsStore.SDK_ATTEMPTS, 503);
        return new GcsStore(config(server, BUCKET));
    }

    @Override
    protected String throttlingAnswer() {
        return "503";
    }
}
