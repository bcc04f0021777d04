package io.mcst.replication.layers.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.FaultyHttpProxy.Failure;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.memory.MemoryStore;
import io.mcst.stores.s3.S3ProxyServer;
import io.mcst.stores.s3.S3Store;
import io.mcst.stores.s3.S3StoreConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The contract over memory, the retry behaviour over a store that fails on demand, and a throttling cloud
 * (a real S3 server behind a proxy that answers 503 SlowDown) ridden out.
 */
class RetryingStoreTest extends AbstractKeyValueStoreTest {
    private static final RetryPolicy POLICY = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300));

    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    protected KeyValueStore createStore() {
        return new RetryingStore(new MemoryStore("memory"), RetryPolicy.DEFAULT);
    }

    private RetryingStore retrying(KeyValueStore inner) {
        return new RetryingStore(inner, POLICY, new Random(42), sleeps::add);
    }

    @Test
    void transientFailuresAreRetriedUntilTheCallSucceeds() {
        FlakyStore flaky = new FlakyStore(3, () -> new StoreUnavailableException("503 SlowDown"));
        flaky.inner.put("k", utf8("v"));
        try (RetryingStore store = retrying(flaky)) {
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v")));
        }
        assertThat(flaky.calls).hasValue(4);
        assertThat(sleeps).hasSize(3);
        for (int retry = 1; retry <= sleeps.size(); retry++) {
            assertThat(sleeps.get(retry - 1)).isBetween(Duration.ZERO, POLICY.backoffCap(retry));
        }
        // Full jitter: seeded, so repeatable, and not simply the cap every time.
        assertThat(sleeps).isNotEqualTo(List.of(POLICY.backoffCap(1), POLICY.backoffCap(2), POLICY.backoffCap(3)));
    }

    @Test
    void aPermanentOutageSurfacesAfterMaxAttemptsWithTheLastCause() {
        FlakyStore down = new FlakyStore(Integer.MAX_VALUE, () -> new StoreUnavailableException("connection refused"));
        try (RetryingStore store = retrying(down)) {
            assertThatThrownBy(() -> store.put("k", utf8("v")))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("store 'flaky'")
                    .hasMessageContaining("5 attempts")
                    .hasCause(down.lastThrown);
        }
        assertThat(down.calls).hasValue(POLICY.maxAttempts());
        assertThat(sleeps).hasSize(POLICY.maxAttempts() - 1).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(POLICY.maxBackoff()));
    }

    @Test
    void nonTransientFailuresAreNeverRetried() {
        List<Supplier<RuntimeException>> failures = List.of(
                () -> new StoreException("bucket 'x' does not exist"),
                () -> new StoreCorruptionException("checksum mismatch"),
                () -> new IllegalArgumentException("bad key"));
        for (Supplier<RuntimeException> failure : failures) {
            FlakyStore flaky = new FlakyStore(1, failure);
            try (RetryingStore store = retrying(flaky)) {
                assertThatThrownBy(() -> store.list("")).isSameAs(flaky.lastThrown);
            }
            assertThat(flaky.calls).as(flaky.lastThrown.toString()).hasValue(1);
        }
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aThrottlingCloudIsRiddenOut() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.started();
                FaultyHttpProxy proxy = new FaultyHttpProxy(server.endpoint())) {
            server.createBucket("throttled");
            S3StoreConfig direct = server.config("aws", "throttled");
            S3StoreConfig viaProxy = new S3StoreConfig("aws", "throttled", direct.region(),
                    Optional.of(URI.create("http://127.0.0.1:" + proxy.port())), true, direct.credentials(), 8);
            // Two of our attempts fail (each after the SDK's own retry), the third gets through.
            proxy.failNext(2 * S3Store.SDK_ATTEMPTS, new Failure(503, "Slow Down", List.of("Content-Type: application/xml"),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                            + "<Message>Please reduce your request rate.</Message><RequestId>t</RequestId></Error>"));
            try (KeyValueStore store = new RetryingStore(new S3Store(viaProxy),
                    new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)))) {
                assertThat(store.get("k")).isEmpty();
            }
            assertThat(proxy.failedRequests()).isEqualTo(2 * S3Store.SDK_ATTEMPTS);
            assertThat(proxy.forwardedRequests()).isEqualTo(1);
        }
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(List.of(1, 2, 3, 4, 5, 9).stream().map(policy::backoffCap).map(Duration::toMillis))
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    }

    @Test
    void anInterruptDuringBackoffStopsRetrying() {
        FlakyStore down = new FlakyStore(Integer.MAX_VALUE, () -> new StoreUnavailableException("503"));
        RetryingStore store = new RetryingStore(down, POLICY, new Random(1), duration -> {
            throw new InterruptedException();
        });
        try {
            assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("interrupted");
            assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
            assertThat(down.calls).hasValue(1);
        } finally {
            store.close();
        }
    }

    @Test
    void policiesThatCannotWorkAreRejected() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Fails its first {@code failures} calls with the given exception, then serves from memory. */
    private static final class FlakyStore extends ForwardingKeyValueStore {
        final MemoryStore inner;
        final AtomicInteger calls = new AtomicInteger();
        private final int failures;
        private final Supplier<RuntimeException> failure;
        volatile RuntimeException lastThrown;

        FlakyStore(int failures, Supplier<RuntimeException> failure) {
            this(new MemoryStore("flaky"), failures, failure);
        }

        private FlakyStore(MemoryStore inner, int failures, Supplier<RuntimeException> failure) {
            super(inner);
            this.inner = inner;
            this.failures = failures;
            this.failure = failure;
        }

        private void maybeFail() {
            if (calls.incrementAndGet() <= failures) {
                lastThrown = failure.get();
                throw lastThrown;
            }
        }

        @Override
        public void put(String key, byte[] value) {
            maybeFail();
            super.put(key, value);
        }

        @Override
        public Optional<byte[]> get(String key) {
            maybeFail();
            return super.get(key);
        }

        @Override
        public List<String> list(String prefix) {
            maybeFail();
            return super.list(prefix);
        }
    }
}
