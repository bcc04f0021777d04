package io.mcst.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract, plus what every cloud adapter does when its cloud says no: refused credentials and a missing
 * bucket or container are not retriable and name the store and the setting to fix; throttling is
 * retriable, and once it passes the store works again. Subclasses supply the stores through the hooks.
 */
public abstract class AbstractCloudStoreTest extends AbstractKeyValueStoreTest {
    /** A store whose cloud refuses its credentials on (at least) its next {@code calls} calls. */
    protected abstract KeyValueStore storeWithRefusedCredentials(int calls) throws Exception;

    /** The key that the refusal says to fix, e.g. {@code store.aws.secret.access.key}. */
    protected abstract String credentialKey();

    /** A store whose bucket or container does not exist. */
    protected abstract KeyValueStore storeWithMissingContainer();

    /** What its failures say, e.g. {@code store 'aws': bucket 'no-such-bucket' does not exist in region 'us-east-1'}. */
    protected abstract String missingContainerReport();

    /** The key that names the bucket or container, e.g. {@code store.aws.bucket}. */
    protected abstract String containerKey();

    /**
     * A store over the same data as {@link #store} whose next {@code calls} calls are each throttled on every
     * attempt the SDK makes; the calls after get through.
     */
    protected abstract KeyValueStore throttledStore(int calls) throws Exception;

    /** What a throttled call's failure reports, e.g. {@code 503 SlowDown}. */
    protected abstract String throttlingAnswer();

    @Test
    void refusedCredentialsAreNotRetriableAndNameTheStoreAndTheFix() throws Exception {
        try (KeyValueStore refused = storeWithRefusedCredentials(2)) {
            assertThatThrownBy(() -> refused.put(key("k"), utf8("v")))
                    .isExactlyInstanceOf(StoreException.class)
                    .hasMessageContaining("store '" + refused.name() + "'")
                    .hasMessageContaining("credentials")
                    .hasMessageContaining(credentialKey());
            assertThatThrownBy(() -> refused.get(key("k"))).isExactlyInstanceOf(StoreException.class);
        }
    }

    @Test
    void aMissingContainerIsNotRetriableAndSaysHowToFixIt() {
        try (KeyValueStore missing = storeWithMissingContainer()) {
            for (Runnable call : List.<Runnable>of(() -> missing.get(key("k")), () -> missing.put(key("k"), utf8("v")),
                    () -> missing.list(root), () -> missing.remove(key("k")))) {
                assertThatThrownBy(call::run)
                        .isExactlyInstanceOf(StoreException.class)
                        .hasMessageContaining(missingContainerReport())
                        .hasMessageContaining("create it or fix " + containerKey());
            }
        }
    }

    @Test
    void throttlingIsUnavailableUntilItPasses() throws Exception {
        store.put(key("k"), utf8("v"));
        // Exactly as many failed attempts as two calls make: had the SDK tried more often than the adapter says,
        // the second call would get through; less often, and the third would still fail.
        try (KeyValueStore throttled = throttledStore(2)) {
            for (int call = 0; call < 2; call++) {
                assertThatThrownBy(() -> throttled.get(key("k")))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("store '" + throttled.name() + "'")
                        .hasMessageContaining(throttlingAnswer());
            }
            assertThat(throttled.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v")));
        }
    }

    /** {@code store}, which also closes {@code resource} (a proxy or a server it alone uses) when it closes. */
    protected static KeyValueStore closingAlso(KeyValueStore store, AutoCloseable resource) {
        return new ForwardingKeyValueStore(store) {
            @Override
            public void close() {
                try (resource) {
                    super.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + resource + " failed", e);
                }
            }
        };
    }
}
