package io.mcst.stores.azure;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import java.util.Optional;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract against real Azure Blob Storage, skipped unless MCST_LIVE_AZURE_CONNECTION_STRING is set;
 * MCST_LIVE_AZURE_CONTAINER names an existing container (default {@code mcst-live}). Each test works below a
 * random prefix and removes what it wrote.
 */
@EnabledIfEnvironmentVariable(named = "MCST_LIVE_AZURE_CONNECTION_STRING", matches = ".*\\S.*", disabledReason = "MCST_LIVE_AZURE_CONNECTION_STRING is not set")
class AzureBlobLiveTest extends AbstractKeyValueStoreTest {
    private final String connectionString = System.getenv("MCST_LIVE_AZURE_CONNECTION_STRING");

    @Override
    protected KeyValueStore createStore() {
        String container = Optional.ofNullable(System.getenv("MCST_LIVE_AZURE_CONTAINER")).orElse("mcst-live");
        return new AzureBlobStore(new AzureBlobStoreConfig("azure-live", container, new ConnectionString(connectionString),
                Optional.empty()));
    }
}
