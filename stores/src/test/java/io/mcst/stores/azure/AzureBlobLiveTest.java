package io.mcst.stores.azure;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract against real Azure Blob Storage, skipped unless MCST_LIVE_AZURE_CONNECTION_STRING is set;
 * MCST_LIVE_AZURE_CONTAINER names an existing container (default {@code mcst-live}). Each test works below a
 * random prefix and removes what it wrote.
 */
class AzureBlobLiveTest extends AbstractKeyValueStoreTest {
    private static String connectionString;

    @BeforeAll
    static void requireAccount() {
        connectionString = System.getenv("MCST_LIVE_AZURE_CONNECTION_STRING");
        assumeTrue(connectionString != null && !connectionString.isBlank(), "MCST_LIVE_AZURE_CONNECTION_STRING is not set");
    }

    @Override
    protected KeyValueStore createStore() {
        String container = Optional.ofNullable(System.getenv("MCST_LIVE_AZURE_CONTAINER")).orElse("mcst-live");
        return new AzureBlobStore(new AzureBlobStoreConfig("azure-live", container, new ConnectionString(connectionString),
                Optional.empty()));
    }
}
