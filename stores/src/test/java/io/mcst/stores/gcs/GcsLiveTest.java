package io.mcst.stores.gcs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract against real Google Cloud Storage, skipped unless MCST_LIVE_GCS_BUCKET names an existing
 * bucket. Credentials are Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud);
 * MCST_LIVE_GCS_PROJECT is optional. Each test works below a random prefix and removes what it wrote.
 */
class GcsLiveTest extends AbstractKeyValueStoreTest {
    private static String bucket;

    @BeforeAll
    static void requireBucket() {
        bucket = System.getenv("MCST_LIVE_GCS_BUCKET");
        assumeTrue(bucket != null && !bucket.isBlank(), "MCST_LIVE_GCS_BUCKET is not set");
    }

    @Override
    protected KeyValueStore createStore() {
        return new GcsStore(new GcsStoreConfig("gcs-live", bucket, Optional.ofNullable(System.getenv("MCST_LIVE_GCS_PROJECT")),
                Optional.empty(), Optional.empty()));
    }
}
