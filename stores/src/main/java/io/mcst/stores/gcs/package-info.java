/**
 * A store in one Google Cloud Storage bucket over the JSON API. The only package that loads the Google
 * client. GCS answers 404 for a missing bucket as for a missing object, so the store checks the bucket once
 * before reading a 404 as "no such key". {@code GcsStoreTest} runs the contract and
 * {@code AbstractCloudStoreTest} against our JSON-API test server ({@code GcsTestServer}, itself checked by
 * {@code GcsTestServerTest}); {@code GcsLiveTest} against real GCS when credentials are set.
 */
package io.mcst.stores.gcs;
