package io.mcst.stores.azure;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against Azurite, Azure Storage's own emulator, started as a child process. */
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
}
