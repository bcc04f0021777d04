package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.azure.AzureBlobStore;
import io.mcst.stores.azure.AzureBlobStoreConfig;
import io.mcst.stores.azure.AzureBlobStoreConfig.AccountKey;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import io.mcst.stores.azure.AzureBlobStoreConfig.Credentials;
import io.mcst.stores.azure.AzureBlobStoreConfig.DefaultCredential;
import io.mcst.stores.azure.AzureBlobStoreConfig.SasToken;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * {@code type=azure-blob}: a container in an Azure Storage account (or Azurite). Authenticates with a connection
 * string, an account name and key, a SAS token, or, when only an account name or endpoint is set, Azure's
 * default credential chain ({@code DefaultAzureCredential}).
 */
public final class AzureBlobStoreType implements StoreType {
    static final String CONTAINER_CONFIG = "container";
    static final String CONNECTION_STRING_CONFIG = "connection.string";
    static final String ACCOUNT_NAME_CONFIG = "account.name";
    static final String ACCOUNT_KEY_CONFIG = "account.key";
    static final String ENDPOINT_CONFIG = "endpoint";
    static final String SAS_TOKEN_CONFIG = "sas.token";
    static final String ACCESS_TIER_CONFIG = "access.tier";
    static final String ENCRYPTION_SCOPE_CONFIG = "encryption.scope";

    /** Tiers that bill each blob for a minimum number of days, however soon it is deleted. */
    private static final Map<String, Integer> MINIMUM_DAYS = Map.of("cool", 30, "cold", 90);

    @Override
    public String type() {
        return "azure-blob";
    }

    @Override
    public ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
                .define(CONTAINER_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, "The container that holds this store's blobs. It must exist; the store never creates it.")
                .define(CONNECTION_STRING_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "The storage account's connection string (Azure portal: Access keys), or one with a SAS "
                                + "token. Set this, or " + ACCOUNT_NAME_CONFIG + " and " + ACCOUNT_KEY_CONFIG
                                + ", or neither to use the default Azure credential chain.")
                .define(ACCOUNT_NAME_CONFIG, Type.STRING, null, Importance.HIGH,
                        "The storage account's name. With " + ACCOUNT_KEY_CONFIG + ": shared-key authentication. "
                                + "Without a key or connection string: Azure's default credential chain "
                                + "(DefaultAzureCredential: AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET "
                                + "or a certificate, workload identity, managed identity, then the Azure CLI, "
                                + "PowerShell and Developer CLI logins), whose identity needs a data role on the "
                                + "container such as Storage Blob Data Contributor.")
                .define(ACCOUNT_KEY_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "One of the storage account's keys, with " + ACCOUNT_NAME_CONFIG + ".")
                .define(ENDPOINT_CONFIG, Type.STRING, null, StoreTypes.httpUrl(), Importance.LOW,
                        "The blob service URL. Empty: the connection string's, or "
                                + "https://<account.name>.blob.core.windows.net. Set alone (no key, no connection "
                                + "string), it selects the default Azure credential chain, which needs https.")
                .define(SAS_TOKEN_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "A shared access signature (the query string, e.g. sv=...&sig=...) granting read, write, "
                                + "delete and list on the container, with " + ACCOUNT_NAME_CONFIG + " or "
                                + ENDPOINT_CONFIG + ". Not with a connection string or account key.")
                .define(ACCESS_TIER_CONFIG, Type.STRING, null, StoreTypes.emptyOr(ConfigDef.CaseInsensitiveValidString.in("Hot", "Cool", "Cold")),
                        Importance.MEDIUM, "The access tier of the blobs this store writes: Hot, Cool or Cold. Empty: "
                                + "the account's default. Cool bills each blob for at least 30 days and Cold for 90, "
                                + "also the copies replication replaces (a partition's index, after every segment); "
                                + "validation warns (README, Storage classes). Archive is not offered: its blobs cannot be read without "
                                + "rehydration.")
                .define(ENCRYPTION_SCOPE_CONFIG, Type.STRING, null, Importance.MEDIUM,
                        "The encryption scope of the blobs this store writes, e.g. one backed by a customer-managed "
                                + "key in Key Vault. Empty: the container's default scope.");
        return StoreTypes.defineProxy(def);
    }

    @Override
    public void validate(String storeName, Map<String, ConfigValue> values) {
        boolean connectionString = StoreTypes.isSet(values, CONNECTION_STRING_CONFIG);
        boolean accountName = StoreTypes.isSet(values, ACCOUNT_NAME_CONFIG);
        boolean accountKey = StoreTypes.isSet(values, ACCOUNT_KEY_CONFIG);
        boolean endpoint = StoreTypes.isSet(values, ENDPOINT_CONFIG);
        boolean sas = StoreTypes.isSet(values, SAS_TOKEN_CONFIG);
        String choices = "set " + StoreTypes.key(storeName, CONNECTION_STRING_CONFIG) + ", or "
                + StoreTypes.key(storeName, ACCOUNT_NAME_CONFIG) + " and " + StoreTypes.key(storeName, ACCOUNT_KEY_CONFIG)
                + " or " + StoreTypes.key(storeName, SAS_TOKEN_CONFIG) + ", or only "
                + StoreTypes.key(storeName, ACCOUNT_NAME_CONFIG) + " (or " + StoreTypes.key(storeName, ENDPOINT_CONFIG)
                + ") for the default Azure credential chain";
        if (sas && (connectionString || accountKey)) {
            values.get(SAS_TOKEN_CONFIG).addErrorMessage("a SAS token is a credential of its own: set "
                    + StoreTypes.key(storeName, SAS_TOKEN_CONFIG) + " or "
                    + StoreTypes.key(storeName, connectionString ? CONNECTION_STRING_CONFIG : ACCOUNT_KEY_CONFIG) + ", not both");
        } else if (connectionString && (accountName || accountKey)) {
            values.get(CONNECTION_STRING_CONFIG).addErrorMessage(choices + ", not both");
        } else if (accountKey && !accountName) {
            values.get(ACCOUNT_KEY_CONFIG).addErrorMessage(choices + "; the key needs its account name");
        } else if (!connectionString && !accountName && !endpoint) {
            values.get(CONNECTION_STRING_CONFIG).addErrorMessage(choices);
        } else if (!connectionString && !accountKey && !sas && endpoint && values.get(ENDPOINT_CONFIG).errorMessages().isEmpty()
                && !"https".equals(URI.create(values.get(ENDPOINT_CONFIG).value().toString().trim()).getScheme())) {
            // The SDK sends bearer tokens over https only; say so now rather than on the first call.
            values.get(ENDPOINT_CONFIG).addErrorMessage("the default Azure credential chain needs an https:// endpoint; "
                    + "for an http endpoint (e.g. Azurite) set " + StoreTypes.key(storeName, CONNECTION_STRING_CONFIG)
                    + " or " + StoreTypes.key(storeName, ACCOUNT_NAME_CONFIG) + " and "
                    + StoreTypes.key(storeName, ACCOUNT_KEY_CONFIG));
        }
        StoreTypes.validateProxy(storeName, values);
        ConfigValue tier = values.get(ACCESS_TIER_CONFIG);
        if (tier.value() != null && tier.errorMessages().isEmpty()) {
            Integer days = MINIMUM_DAYS.get(tier.value().toString().trim().toLowerCase(Locale.ROOT));
            if (days != null) {
                StoreTypes.warnMinimumDuration(storeName, ACCESS_TIER_CONFIG, tier.value(), days);
            }
        }
    }

    /** Relies on {@link #validate}: the keys set are one of the combinations it accepts. */
    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        Password connectionString = config.getPassword(CONNECTION_STRING_CONFIG);
        String accountName = config.getString(ACCOUNT_NAME_CONFIG);
        Password accountKey = config.getPassword(ACCOUNT_KEY_CONFIG);
        Password sasToken = config.getPassword(SAS_TOKEN_CONFIG);
        Optional<URI> endpoint = StoreTypes.uri(config.getString(ENDPOINT_CONFIG));
        Credentials credentials;
        if (connectionString != null) {
            credentials = new ConnectionString(connectionString.value());
        } else if (accountKey != null) {
            credentials = new AccountKey(accountName, accountKey.value());
        } else if (sasToken != null) {
            credentials = new SasToken(sasToken.value(), Optional.ofNullable(accountName));
        } else {
            credentials = new DefaultCredential(Optional.ofNullable(accountName));
        }
        return new AzureBlobStore(new AzureBlobStoreConfig(storeName, config.getString(CONTAINER_CONFIG), credentials, endpoint,
                // Azure's tier names are capitalized: Hot, Cool, Cold.
                Optional.ofNullable(config.getString(ACCESS_TIER_CONFIG)).map(String::trim)
                        .map(tier -> tier.substring(0, 1).toUpperCase(Locale.ROOT) + tier.substring(1).toLowerCase(Locale.ROOT)),
                Optional.ofNullable(config.getString(ENCRYPTION_SCOPE_CONFIG)).map(String::trim),
                StoreTypes.proxy(config)));
    }
}
