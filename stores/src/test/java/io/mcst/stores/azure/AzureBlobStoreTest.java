package io.mcst.stores.azure;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractCloudStoreTest;
import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.FaultyHttpProxy.Failure;
import io.mcst.stores.KeyValueStore;
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
class AzureBlobStoreTest extends AbstractCloudStoreTest {
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

    @Override
    protected KeyValueStore storeWithRefusedCredentials(int calls) {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
        return new AzureBlobStore(new AzureBlobStoreConfig("azure", CONTAINER,
                new AccountKey(AzuriteServer.ACCOUNT, wrongKey), Optional.of(server.blobEndpoint())));
    }

    @Override
    protected String credentialKey() {
        return "store.azure.account.key";
    }

    @Override
    protected KeyValueStore storeWithMissingContainer() {
        return new AzureBlobStore(server.config("azure", "no-such-container"));
    }

    @Override
    protected String missingContainerReport() {
        return "store 'azure': container 'no-such-container' does not exist";
    }

    @Override
    protected String containerKey() {
        return "store.azure.container";
    }

    @Override
    protected KeyValueStore throttledStore(int calls) throws Exception {
        FaultyHttpProxy proxy = new FaultyHttpProxy(server.blobEndpoint());
        String viaProxy = server.connectionString().replace(server.blobEndpoint().toString(),
                "http://127.0.0.1:" + proxy.port() + "/" + AzuriteServer.ACCOUNT);
        proxy.failNext(calls * AzureBlobStore.SDK_ATTEMPTS, new Failure(503, "Server Busy",
                List.of("Content-Type: application/xml", "x-ms-error-code: ServerBusy"),
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
                        + "<Message>Ingress is over the account limit.</Message></Error>"));
        return closingAlso(new AzureBlobStore(
                new AzureBlobStoreConfig("azure", CONTAINER, new ConnectionString(viaProxy), Optional.empty())), proxy);
    }

    @Override
    protected String throttlingAnswer() {
        return "503 ServerBusy";
    }
}
