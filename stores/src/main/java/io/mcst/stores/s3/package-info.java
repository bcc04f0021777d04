/**
 * A store in one S3 bucket, or in any S3-compatible server (AWS SDK v2 over the Apache HTTP client, no
 * Netty). The only package that loads the AWS SDK. Object names come from {@link io.mcst.stores.ObjectNames};
 * failures are sorted by {@link io.mcst.stores.StoreFailures}, with S3's own answers (region redirects) here.
 * {@code S3StoreTest} runs the contract and {@code AbstractCloudStoreTest} against S3Proxy; {@code S3LiveTest}
 * against real S3 when credentials are set.
 */
package io.mcst.stores.s3;
