package io.mcst.stores.azure;

import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import java.util.Arrays;
import java.util.Optional;

/**
 * Uploads, reads and removes a small and a large value through an {@link AzureBlobStore}, in a JVM of its own
 * where, as in a Connect worker, this store is the first to use the JDK's HTTP client: what it logs is what
 * a worker logs. Arguments: the connection string and the container. Exits 1 if a value does not read back.
 */
final class AzureUploads {
    private AzureUploads() {}

    public static void main(String[] args) {
        try (AzureBlobStore store = new AzureBlobStore(new AzureBlobStoreConfig("azure", args[1],
                new ConnectionString(args[0]), Optional.empty()))) {
            for (byte[] value : new byte[][] {{1, 2, 3}, new byte[300_000]}) {
                store.put("upload", value);
                if (!Arrays.equals(store.get("upload").orElseThrow(), value)) {
                    System.exit(1);
                }
                store.remove("upload");
            }
        }
    }
}
