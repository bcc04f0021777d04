package io.mcst.stores.azure;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.StoreException;
import io.mcst.stores.azure.AzureBlobStoreConfig.DefaultCredential;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/**
 * A store on Azure's default credential chain in a process that has no Azure identity, as this test JVM has:
 * no AZURE_* variables, no managed identity, no Azure CLI login. The chain fails before any request reaches
 * the (made-up) account, so no network is needed.
 */
@DisabledIfEnvironmentVariable(named = "AZURE_CLIENT_ID", matches = ".+", disabledReason = "this process has an Azure identity")
class AzureDefaultCredentialTest {

    @Test
    void noCredentialIsANonRetriableErrorNamingTheStoreAndTheFix() {
        AzureBlobStoreConfig config = new AzureBlobStoreConfig("azure", "archive",
                new DefaultCredential(Optional.of("mcstnocredential")), Optional.empty());
        try (AzureBlobStore store = new AzureBlobStore(config)) {
            for (Runnable call : new Runnable[] {() -> store.get("k"), () -> store.put("k", new byte[] {1}),
                    () -> store.list(""), () -> store.remove("k")}) {
                assertThatThrownBy(call::run)
                        .isExactlyInstanceOf(StoreException.class)
                        .hasMessageContaining("store 'azure'")
                        .hasMessageContaining("default Azure credential chain got no token")
                        .hasMessageContaining("'az login'")
                        .hasMessageContaining("store.azure.connection.string")
                        .hasMessageContaining("store.azure.account.key");
            }
        }
    }

    @Test
    void anEndpointAloneNamesTheAccount() {
        AzureBlobStoreConfig config = new AzureBlobStoreConfig("azure", "archive", new DefaultCredential(Optional.empty()),
                Optional.of(URI.create("https://mcstnocredential.blob.core.windows.net")));
        try (AzureBlobStore store = new AzureBlobStore(config)) {
            assertThatThrownBy(() -> store.get("k"))
                    .isExactlyInstanceOf(StoreException.class)
                    .hasMessageContaining("default Azure credential chain got no token");
        }
    }

    @Test
    void withNeitherAccountNorEndpointTheConfigIsRejected() {
        assertThatThrownBy(() -> new AzureBlobStoreConfig("azure", "archive", new DefaultCredential(Optional.empty()),
                Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("store 'azure'")
                .hasMessageContaining("account name or an endpoint");
    }

    @Test
    void anHttpEndpointIsRejectedBecauseTokensTravelOverHttpsOnly() {
        assertThatThrownBy(() -> new AzureBlobStoreConfig("azure", "archive", new DefaultCredential(Optional.empty()),
                Optional.of(URI.create("http://127.0.0.1:10000/devstoreaccount1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("store 'azure'")
                .hasMessageContaining("https");
    }
}
