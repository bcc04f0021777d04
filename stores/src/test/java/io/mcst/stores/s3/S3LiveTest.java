package io.mcst.stores.s3;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract against real S3 (or any S3-compatible service), skipped unless MCST_LIVE_S3_BUCKET names an
 * existing bucket. Credentials come from the default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
 * AWS_PROFILE, a role); MCST_LIVE_S3_REGION and MCST_LIVE_S3_ENDPOINT (path-style) are optional. Each test
 * works below a random prefix and removes what it wrote.
 */
@EnabledIfEnvironmentVariable(named = "MCST_LIVE_S3_BUCKET", matches = ".*\\S.*", disabledReason = "MCST_LIVE_S3_BUCKET is not set")
class S3LiveTest extends AbstractKeyValueStoreTest {
    private final String bucket = System.getenv("MCST_LIVE_S3_BUCKET");

    @Override
    protected KeyValueStore createStore() {
        Optional<URI> endpoint = Optional.ofNullable(System.getenv("MCST_LIVE_S3_ENDPOINT")).map(URI::create);
        return new S3Store(new S3StoreConfig("aws-live", bucket, Optional.ofNullable(System.getenv("MCST_LIVE_S3_REGION")),
                endpoint, endpoint.isPresent(), Optional.empty(), 8));
    }
}
