package io.mcst.stores.azure;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.azure.AzureBlobStoreConfig.DefaultCredential;
import java.util.Optional;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract against real Azure Blob Storage as Azure's default credential chain authenticates, skipped
 * unless MCST_LIVE_AZURE_ACCOUNT names a storage account. The process needs an identity the chain finds
 * (AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET; workload or managed identity; or {@code az login})
 * with a data role such as Storage Blob Data Contributor on MCST_LIVE_AZURE_CONTAINER (default
 * {@code mcst-live}), which must exist. Each test works below a random prefix and removes what it wrote.
 */
@EnabledIfEnvironmentVariable(named = "MCST_LIVE_AZURE_ACCOUNT", matches = ".*\\S.*", disabledReason = "MCST_LIVE_AZURE_ACCOUNT is not set")
class AzureBlobDefaultCredentialLiveTest extends AbstractKeyValueStoreTest {
    private final String account = System.getenv("MCST_LIVE_AZURE_ACCOUNT");

    @Override
    protected KeyValueStore createStore() {
        String container = Optional.ofNullable(System.getenv("MCST_LIVE_AZURE_CONTAINER")).orElse("mcst-live");
        return new AzureBlobStore(new AzureBlobStoreConfig("azure-live", container,
                new DefaultCredential(Optional.of(account.trim())), Optional.empty()));
    }
}
