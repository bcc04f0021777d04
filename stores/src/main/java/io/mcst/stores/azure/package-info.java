/**
 * A store in one Azure Blob Storage container (block blobs, over the JDK HTTP client: the SDK's default
 * Netty clashes with Kafka's), with a connection string, an account key or Azure's default credential
 * chain. The only package that loads the Azure SDK. {@code AzureBlobStoreTest} runs the contract and
 * {@code AbstractCloudStoreTest} against Azurite, {@code AzureDefaultCredentialTest} the credential chain;
 * the live tests run against real Azure when credentials are set.
 */
package io.mcst.stores.azure;
