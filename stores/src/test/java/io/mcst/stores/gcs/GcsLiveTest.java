package io.mcst.stores.gcs;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import java.util.Optional;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract against real Google Cloud Storage, skipped unless MCST_LIVE_GCS_BUCKET names an existing
 * bucket. Credentials are Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud);
 * MCST_LIVE_GCS_PROJECT is optional. Each test works below a random prefix and removes what it wrote.
 */
@EnabledIfEnvironmentVariable(named = "MCST_LIVE_GCS_BUCKET", matches = ".*\\S.*", disabledReason = "MCST_LIVE_GCS_BUCKET is not set")
class GcsLiveTest extends AbstractKeyValueStoreTest {
    private final String bucket = System.getenv("MCST_LIVE_GCS_BUCKET");

    @Override
    protected KeyValueStore createStore() {
        return new GcsStore(new GcsStoreConfig("gcs-live", bucket, Optional.ofNullable(System.getenv("MCST_LIVE_GCS_PROJECT")),
                Optional.empty(), Optional.empty(), 8));
    }
}
