package io.mcst.stores.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractCloudStoreTest;
import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.FaultyHttpProxy.Failure;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against a real S3 server (S3Proxy), plus what only S3Store does (multipart uploads) and how
 * it reports failures: retriable or not, naming the store and the fix.
 */
class S3StoreTest extends AbstractCloudStoreTest {
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

    @Test
    void aStoppedServerIsUnavailable() throws Exception {
        S3ProxyServer stopped = S3ProxyServer.started();
        stopped.stop();
        try (S3Store down = new S3Store(stopped.config("aws", BUCKET))) {
            assertThatThrownBy(() -> down.get(key("k")))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("store 'aws'");
            assertThatThrownBy(() -> down.put(key("k"), utf8("v"))).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> down.list(root)).isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Override
    protected KeyValueStore storeWithRefusedCredentials(int calls) {
        S3StoreConfig good = server.config("aws", BUCKET);
        return new S3Store(new S3StoreConfig("aws", BUCKET, good.region(), good.endpoint(), true,
                Optional.of(new S3StoreConfig.Credentials(S3ProxyServer.CREDENTIALS.accessKeyId(), "not-the-secret")), 8));
    }

    @Override
    protected String credentialKey() {
        return "store.aws.secret.access.key";
    }

    @Override
    protected KeyValueStore storeWithMissingContainer() {
        return new S3Store(server.config("aws", "no-such-bucket"));
    }

    @Override
    protected String missingContainerReport() {
        return "store 'aws': bucket 'no-such-bucket' does not exist in region 'us-east-1'";
    }

    @Override
    protected String containerKey() {
        return "store.aws.bucket";
    }

    @Override
    protected KeyValueStore throttledStore(int calls) throws Exception {
        FaultyHttpProxy proxy = new FaultyHttpProxy(server.endpoint());
        S3StoreConfig direct = server.config("aws", BUCKET);
        proxy.failNext(calls * S3Store.SDK_ATTEMPTS, new Failure(503, "Slow Down", List.of("Content-Type: application/xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                        + "<Message>Please reduce your request rate.</Message><RequestId>t</RequestId></Error>"));
        return closingAlso(new S3Store(new S3StoreConfig("aws", BUCKET, direct.region(),
                Optional.of(URI.create("http://127.0.0.1:" + proxy.port())), true, direct.credentials(), 8)), proxy);
    }

    @Override
    protected String throttlingAnswer() {
        return "503 SlowDown";
    }
}
