package io.mcst.stores.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.FaultyHttpProxy.Failure;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.azure.AzureBlobStoreConfig.AccountKey;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against Azurite, Azure Storage's own emulator, started as a child process; and how the store
 * reports failures: retriable or not, naming the store and the fix.
 */
class AzureBlobStoreTest extends AbstractKeyValueStoreTest {
    private static final String CONTAINER = "contract";
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

    @Override
    protected KeyValueStore createStore() {
        return new AzureBlobStore(server.config("azurite", CONTAINER));
    }

    @Test
    void anUnreachableServerIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            closedPort = socket.getLocalPort();
        }
        AzureBlobStoreConfig config = new AzureBlobStoreConfig("azure", CONTAINER,
                new AccountKey(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY),
                Optional.of(URI.create("http://127.0.0.1:" + closedPort + "/" + AzuriteServer.ACCOUNT)));
        try (AzureBlobStore down = new AzureBlobStore(config)) {
            assertThatThrownBy(() -> down.get(key("k")))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("store 'azure'");
            assertThatThrownBy(() -> down.put(key("k"), utf8("v"))).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> down.list(root)).isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void wrongCredentialsAreNotRetriableAndNameTheStore() {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
        AzureBlobStoreConfig config = new AzureBlobStoreConfig("azure", CONTAINER,
                new AccountKey(AzuriteServer.ACCOUNT, wrongKey), Optional.of(server.blobEndpoint()));
        try (AzureBlobStore refused = new AzureBlobStore(config)) {
            assertThatThrownBy(() -> refused.put(key("k"), utf8("v")))
                    .isExactlyInstanceOf(StoreException.class)
                    .hasMessageContaining("store 'azure'")
                    .hasMessageContaining("credentials")
                    .hasMessageContaining("store.azure.account.key");
            assertThatThrownBy(() -> refused.get(key("k"))).isExactlyInstanceOf(StoreException.class);
        }
    }

    @Test
    void aMissingContainerIsNotRetriableAndSaysHowToFixIt() {
        try (AzureBlobStore missing = new AzureBlobStore(server.config("azure", "no-such-container"))) {
            for (Runnable call : List.<Runnable>of(() -> missing.get(key("k")), () -> missing.put(key("k"), utf8("v")),
                    () -> missing.list(root), () -> missing.remove(key("k")))) {
                assertThatThrownBy(call::run)
                        .isExactlyInstanceOf(StoreException.class)
                        .hasMessageContaining("store 'azure': container 'no-such-container' does not exist")
                        .hasMessageContaining("create it or fix store.azure.container");
            }
        }
    }

    @Test
    void serverBusyIsUnavailableUntilItPasses() throws Exception {
        store.put(key("k"), utf8("v"));
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(server.blobEndpoint())) {
            String viaProxy = server.connectionString().replace(server.blobEndpoint().toString(),
                    "http://127.0.0.1:" + proxy.port() + "/" + AzuriteServer.ACCOUNT);
            AzureBlobStoreConfig config = new AzureBlobStoreConfig("azure", CONTAINER, new ConnectionString(viaProxy), Optional.empty());
            Failure serverBusy = new Failure(503, "Server Busy", List.of("Content-Type: application/xml", "x-ms-error-code: ServerBusy"),
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
                            + "<Message>Ingress is over the account limit.</Message></Error>");
            // Two of our calls fail (each after the SDK's own retry), the third gets through: what the retry
            // layer above relies on.
            proxy.failNext(2 * AzureBlobStore.SDK_ATTEMPTS, serverBusy);
            try (AzureBlobStore throttled = new AzureBlobStore(config)) {
                for (int call = 0; call < 2; call++) {
                    assertThatThrownBy(() -> throttled.get(key("k")))
                            .isInstanceOf(StoreUnavailableException.class)
                            .hasMessageContaining("503");
                }
                assertThat(throttled.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v")));
            }
            assertThat(proxy.failedRequests()).isEqualTo(2 * AzureBlobStore.SDK_ATTEMPTS);
            assertThat(proxy.forwardedRequests()).isEqualTo(1);
        }
    }
}
