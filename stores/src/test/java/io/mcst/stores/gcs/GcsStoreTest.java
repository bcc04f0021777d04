package io.mcst.stores.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against our GCS JSON-API test server, through the real google-cloud-storage client. */
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
        return new GcsStore(new GcsStoreConfig("gcs-test", BUCKET, Optional.of("test-project"), Optional.empty(),
                Optional.of(server.host())));
    }

    @Test
    void resumableUploadsOfSeveralChunksRoundTripByteExact() {
        // Three 8 MiB chunks and a short last one.
        byte[] value = randomBytes(3 * 8 * 1024 * 1024 + 5, 11);
        assertThat(value.length).isGreaterThan(GcsStore.RESUMABLE_ABOVE);
        assertRoundTrip(key("resumable"), value);
    }
}
