package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.azure.AzureBlobStore;
import io.mcst.stores.azure.AzuriteServer;
import io.mcst.stores.gcs.GcsStore;
import io.mcst.stores.gcs.GcsStoreConfig;
import io.mcst.stores.gcs.GcsTestServer;
import io.mcst.replication.layers.retry.RetryPolicy;
import io.mcst.replication.layers.retry.RetryingStore;
import io.mcst.stores.s3.S3ProxyServer;
import io.mcst.stores.s3.S3Store;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cloud of clouds made of the three real adapters, each against its server (S3Proxy, Azurite, our GCS
 * server): with one cloud down every operation still succeeds; brought back, it serves its data again, and
 * a quorum that includes it (stale for the writes it missed) still returns the newest values.
 */
class ThreeCloudsTest {
    private static final String BUCKET = "replicas";
    private static final RetryPolicy QUICK_RETRIES = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50));

    private static S3ProxyServer s3;
    private static AzuriteServer azurite;
    private static GcsTestServer gcs;

    @BeforeAll
    static void startClouds() throws Exception {
        s3 = S3ProxyServer.started();
        s3.createBucket(BUCKET);
        azurite = AzuriteServer.started();
        azurite.createContainer(BUCKET);
        gcs = GcsTestServer.started();
        gcs.createBucket(BUCKET);
    }

    @AfterAll
    static void stopClouds() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (azurite != null) {
            azurite.close();
        }
        if (gcs != null) {
            gcs.close();
        }
    }

    private static S3Store aws() {
        return new S3Store(s3.config("aws", BUCKET));
    }

    private static KeyValueStore cloudOfClouds() {
        return new ReplicatedStore(List.of(
                new RetryingStore(aws(), QUICK_RETRIES),
                new RetryingStore(new AzureBlobStore(azurite.config("azure", BUCKET)), QUICK_RETRIES),
                new RetryingStore(new GcsStore(new GcsStoreConfig("gcs", BUCKET, Optional.empty(), Optional.empty(),
                        Optional.of(gcs.host()), 8)), QUICK_RETRIES)),
                ReplicationOptions.defaults().withFaultTolerance(1));
    }

    @Test
    void operationsSucceedWithOneCloudDownAndItsDataIsReadableAfterARestart() throws Exception {
        Map<String, byte[]> expected = new TreeMap<>();
        Random random = new Random(5);
        try (KeyValueStore store = cloudOfClouds()) {
            for (int i = 0; i < 6; i++) {
                // Small values are inline; 200 KiB ones go through the large-value path of replication.
                byte[] value = new byte[i % 2 == 0 ? 100 + i : 200 * 1024 + i];
                random.nextBytes(value);
                put(store, expected, "topic/0/%020d.avro".formatted(i), value);
            }

            long begin = System.nanoTime();
            s3.stop();
            try (S3Store down = aws()) {
                assertThatThrownBy(() -> down.list("")).as("S3 is really down").isInstanceOf(StoreUnavailableException.class);
            }
            put(store, expected, "topic/0/%020d.avro".formatted(6), "written while S3 was down".getBytes());
            put(store, expected, "topic/0/%020d.avro".formatted(0), "overwritten while S3 was down".getBytes());
            store.remove("topic/0/%020d.avro".formatted(1));
            expected.remove("topic/0/%020d.avro".formatted(1));
            assertHolds(store, expected);
            System.out.printf("with S3 down: 2 puts, 1 remove, list, 6 gets in %d ms%n", (System.nanoTime() - begin) / 1_000_000);

            begin = System.nanoTime();
            s3.start();
            try (S3Store back = aws()) {
                assertThat(back.list("")).as("S3 kept what it stored before the outage").isNotEmpty();
            }
            // With Azure down, every quorum includes S3, which missed the writes above.
            azurite.stop();
            assertHolds(store, expected);
            put(store, expected, "topic/1/%020d.avro".formatted(0), "written while Azure was down".getBytes());
            System.out.printf("S3 back, Azure down: list, 6 gets, 1 put in %d ms%n", (System.nanoTime() - begin) / 1_000_000);
            begin = System.nanoTime();
            azurite.start();
            System.out.printf("Azurite restarted in %d ms%n", (System.nanoTime() - begin) / 1_000_000);
        }
        try (KeyValueStore fresh = cloudOfClouds()) {
            assertHolds(fresh, expected);
        }
    }

    private static void put(KeyValueStore store, Map<String, byte[]> expected, String key, byte[] value) {
        store.put(key, value);
        expected.put(key, value);
    }

    private static void assertHolds(KeyValueStore store, Map<String, byte[]> expected) {
        assertThat(store.list("topic/")).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, value) -> assertThat(store.get(key)).as(key).hasValueSatisfying(v -> assertThat(v).isEqualTo(value)));
        assertThat(store.get("topic/0/%020d.avro".formatted(1))).as("removed").isEmpty();
    }
}
