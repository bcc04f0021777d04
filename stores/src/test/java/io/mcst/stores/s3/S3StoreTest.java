package io.mcst.stores.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real S3 server (S3Proxy), plus what only S3Store does: multipart uploads. */
class S3StoreTest extends AbstractKeyValueStoreTest {
    private static final String BUCKET = "contract";
    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.started();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected KeyValueStore createStore() {
        return new S3Store(server.config("s3proxy", BUCKET));
    }

    @Test
    void valuesAboveTheMultipartThresholdRoundTripByteExact() {
        // 64 MiB and a bit: eight whole parts and a short last one.
        byte[] value = randomBytes(64 * 1024 * 1024 + 3, 7);
        assertThat(value.length).isGreaterThan(S3Store.MULTIPART_THRESHOLD);
        // No '/' in this key: see FlatNamesBlobStore.
        String key = root.replace("/", "-huge");
        try {
            assertRoundTrip(key, value);
        } finally {
            store.remove(key);
        }
    }
}
