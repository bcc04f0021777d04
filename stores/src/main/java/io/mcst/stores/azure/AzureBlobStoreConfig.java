package io.mcst.stores.azure;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.HttpProxy;
import java.net.URI;
import java.util.Optional;

/**
 * Where and as whom an {@link AzureBlobStore} connects, and how it stores blobs.
 *
 * @param name the store's name in errors and logs, e.g. {@code azure}
 * @param container the container that holds the store's blobs; it must exist
 * @param credentials a connection string, an account name and key, a SAS token, or Azure's default
 *     credential chain
 * @param endpoint the blob service URL; empty means the connection string's, or
 *     {@code https://<account>.blob.core.windows.net} otherwise
 * @param accessTier the access tier of the blobs this store writes ({@code Hot}, {@code Cool}, {@code Cold});
 *     empty: the account's default
 * @param encryptionScope the encryption scope (e.g. one with a customer-managed key) of the blobs this store
 *     writes; empty: the container's default
 * @param proxy the HTTP proxy requests go through; empty: none
 */
public record AzureBlobStoreConfig(String name, String container, Credentials credentials, Optional<URI> endpoint,
        Optional<String> accessTier, Optional<String> encryptionScope, Optional<HttpProxy> proxy) {

    public AzureBlobStoreConfig {
        requireNonNull(name, "name");
        requireNonNull(container, "container");
        requireNonNull(credentials, "credentials");
        requireNonNull(endpoint, "endpoint");
        requireNonNull(accessTier, "accessTier");
        requireNonNull(encryptionScope, "encryptionScope");
        requireNonNull(proxy, "proxy");
        if (container.isBlank()) {
            throw new IllegalArgumentException("store '" + name + "': the container name is empty");
        }
        if (credentials instanceof DefaultCredential chain && chain.accountName().isEmpty() && endpoint.isEmpty()) {
            throw new IllegalArgumentException("store '" + name + "': the default Azure credential needs an account name "
                    + "or an endpoint to know which storage account to reach");
        }
        if (credentials instanceof DefaultCredential && endpoint.filter(uri -> !"https".equals(uri.getScheme())).isPresent()) {
            // The SDK sends bearer tokens over https only.
            throw new IllegalArgumentException("store '" + name + "': the default Azure credential needs an https "
                    + "endpoint, not " + endpoint.get());
        }
        if (credentials instanceof SasToken sas && sas.accountName().isEmpty() && endpoint.isEmpty()) {
            throw new IllegalArgumentException("store '" + name + "': a SAS token needs an account name or an endpoint");
        }
    }

    /** A store with the account's default tier and encryption, and no proxy. */
    public AzureBlobStoreConfig(String name, String container, Credentials credentials, Optional<URI> endpoint) {
        this(name, container, credentials, endpoint, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** How the store authenticates. Secrets never appear in {@link #toString()}. */
    public sealed interface Credentials {}

    /** A storage account connection string ({@code AccountName=...;AccountKey=...;...} or one with a SAS). */
    public record ConnectionString(String value) implements Credentials {
        public ConnectionString {
            requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "ConnectionString[hidden]";
        }
    }

    /** A storage account's name and one of its shared keys. */
    public record AccountKey(String accountName, String accountKey) implements Credentials {
        public AccountKey {
            requireNonNull(accountName, "accountName");
            requireNonNull(accountKey, "accountKey");
        }

        @Override
        public String toString() {
            return "AccountKey[accountName=" + accountName + ", accountKey=[hidden]]";
        }
    }

    /**
     * A shared access signature (the query string, with or without its leading {@code ?}) granting read, write,
     * delete and list on the container.
     *
     * @param accountName the storage account, for the default endpoint; may be empty when an endpoint is given
     */
    public record SasToken(String token, Optional<String> accountName) implements Credentials {
        public SasToken {
            requireNonNull(token, "token");
            requireNonNull(accountName, "accountName");
        }

        @Override
        public String toString() {
            return "SasToken[accountName=" + accountName.orElse("") + ", token=[hidden]]";
        }
    }

    /**
     * Azure's {@code DefaultAzureCredential} chain: environment (AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a
     * certificate, AZURE_TENANT_ID), workload identity, managed identity, then the Azure CLI, PowerShell and
     * Developer CLI logins. The identity needs a data role on the container, e.g. Storage Blob Data Contributor.
     *
     * @param accountName the storage account, for the default endpoint; may be empty when an endpoint is given
     */
    public record DefaultCredential(Optional<String> accountName) implements Credentials {
        public DefaultCredential {
            requireNonNull(accountName, "accountName");
        }
    }
}
