package io.mcst.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.LogCapture;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.gcs.GcsTestServer;
import io.mcst.stores.s3.S3ProxyServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The s3, azure-blob and gcs store types open from the config vocabulary, and every base store in a stack
 * retries transient failures as the retry.* keys say. (Azure's round trip through the stack is in
 * {@code ThreeCloudsTest}, which starts Azurite anyway.)
 */
class CloudStoreTypesTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("CloudStoreTypesTest");

    private static S3ProxyServer s3;
    private static GcsTestServer gcs;

    @BeforeAll
    static void startServers() throws Exception {
        s3 = S3ProxyServer.started();
        s3.createBucket("stack");
        gcs = GcsTestServer.started();
        gcs.createBucket("stack");
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (gcs != null) {
            gcs.close();
        }
    }

    private static Map<String, String> s3Props() {
        Map<String, String> props = new HashMap<>();
        props.put("stores", "aws");
        props.put("store.aws.type", "s3");
        props.put("store.aws.bucket", "stack");
        props.put("store.aws.region", "us-east-1");
        props.put("store.aws.endpoint", s3.endpoint().toString());
        props.put("store.aws.path.style", "true");
        props.put("store.aws.access.key.id", S3ProxyServer.CREDENTIALS.accessKeyId());
        props.put("store.aws.secret.access.key", S3ProxyServer.CREDENTIALS.secretAccessKey());
        return props;
    }

    private static Map<String, String> gcsProps() {
        Map<String, String> props = new HashMap<>();
        props.put("stores", "gcs");
        props.put("store.gcs.type", "gcs");
        props.put("store.gcs.bucket", "stack");
        props.put("store.gcs.project", "test-project");
        props.put("store.gcs.host", gcs.host());
        props.put("retry.backoff.initial.ms", "10");
        props.put("retry.backoff.max.ms", "50");
        return props;
    }

    @Test
    void s3AndGcsStoresOpenFromConfigAndKeepData() {
        for (Map<String, String> props : List.of(s3Props(), gcsProps())) {
            try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
                store.put("a/b", "v".getBytes(StandardCharsets.UTF_8));
            }
            try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
                assertThat(store.get("a/b")).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("v"));
                assertThat(store.list("a/")).containsExactly("a/b");
                store.remove("a/b");
            }
        }
    }

    @Test
    void baseStoresRetryTransientFailuresAsConfigured() {
        Map<String, String> props = gcsProps();
        props.put("retry.max.attempts", "3");
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            store.put("k", new byte[] {7});
            // Two of the stack's attempts fail (each after the client's own retry); the third succeeds.
            gcs.failNext(4, 503);
            assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).containsExactly(7));
        }
        props.put("retry.max.attempts", "1");
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            // A replicated get makes two base calls at once (list the versions, get the eternal copy), each
            // one attempt of two requests (the client's own retry): fail all four.
            gcs.failNext(4, 503);
            assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreUnavailableException.class);
            store.remove("k");
        }
    }

    @Test
    void halfAnS3KeyPairIsAConfigErrorNamingTheKey() {
        Map<String, String> props = s3Props();
        props.remove("store.aws.secret.access.key");
        assertThatThrownBy(() -> StoreStack.open(props, SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.aws.secret.access.key")
                .hasMessageContaining("store.aws.access.key.id");
    }

    @Test
    void azureNeedsAConnectionStringAnAccountKeyPairOrOnlyAnAccount() {
        Map<String, String> base = Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c");
        for (Map<String, String> extra : List.of(Map.<String, String>of(), Map.of("store.az.account.key", "a2V5"),
                Map.of("store.az.connection.string", "AccountName=acct;AccountKey=a2V5", "store.az.account.key", "a2V5"))) {
            Map<String, String> props = new HashMap<>(base);
            props.putAll(extra);
            assertThatThrownBy(() -> StoreStack.open(props, SCOPE))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("store.az.connection.string")
                    .hasMessageContaining("store.az.account.key")
                    .hasMessageContaining("default Azure credential chain")
                    .hasMessageNotContaining("a2V5");
        }
    }

    @Test
    void credentialCombinationsAreCheckedAtValidateTimeNamingEveryKeyInvolved() {
        Map<String, String> s3 = s3Props();
        s3.remove("store.aws.access.key.id");
        assertThat(errors(s3)).containsOnlyKeys("store.aws.access.key.id")
                .hasEntrySatisfying("store.aws.access.key.id", message -> assertThat(message)
                        .contains("store.aws.secret.access.key").doesNotContain(S3ProxyServer.CREDENTIALS.secretAccessKey()));

        Map<String, String> azure = Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c",
                "store.az.connection.string", "AccountName=acct;AccountKey=a2V5", "store.az.account.name", "acct");
        assertThat(errors(azure)).containsOnlyKeys("store.az.connection.string")
                .hasEntrySatisfying("store.az.connection.string", message -> assertThat(message)
                        .contains("store.az.account.name").doesNotContain("a2V5"));
        Map<String, String> keyAlone = Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c",
                "store.az.account.key", "a2V5");
        assertThat(errors(keyAlone)).containsOnlyKeys("store.az.account.key")
                .hasEntrySatisfying("store.az.account.key", message -> assertThat(message).contains("store.az.account.name"));
        Map<String, String> httpChain = Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c",
                "store.az.endpoint", "http://127.0.0.1:10000/devstoreaccount1");
        assertThat(errors(httpChain)).containsOnlyKeys("store.az.endpoint");
    }

    @Test
    void s3SettingsThatNeedEachOtherAreCheckedAtValidateTime() {
        Map<String, String> props = s3Props();
        props.put("store.aws.sse.kms.key.id", "alias/archive");
        props.put("store.aws.sse.bucket.key.enabled", "true");
        props.put("store.aws.role.external.id", "ext-42");
        props.put("store.aws.proxy.username", "archiver");
        Map<String, String> errors = errors(props);
        assertThat(errors).containsOnlyKeys("store.aws.sse.kms.key.id", "store.aws.sse.bucket.key.enabled",
                "store.aws.role.external.id", "store.aws.proxy.password");
        assertThat(errors.get("store.aws.sse.kms.key.id")).contains("store.aws.sse=SSE-KMS");
        assertThat(errors.get("store.aws.sse.bucket.key.enabled")).contains("store.aws.sse=SSE-KMS");
        assertThat(errors.get("store.aws.role.external.id")).contains("store.aws.role.arn");
        assertThat(errors.get("store.aws.proxy.password")).contains("store.aws.proxy.username");

        props = s3Props();
        props.put("store.aws.sse", "sse-kms");
        props.put("store.aws.sse.kms.key.id", "alias/archive");
        props.put("store.aws.storage.class", "GLACIER");
        props.put("store.aws.request.timeout.ms", "0");
        props.put("store.aws.proxy.url", "http://proxy.internal");
        errors = errors(props);
        assertThat(errors).containsOnlyKeys("store.aws.storage.class", "store.aws.request.timeout.ms", "store.aws.proxy.url");
        assertThat(errors.get("store.aws.storage.class")).contains("GLACIER_IR");
        props.put("store.aws.storage.class", "COLD");
        assertThat(errors(props).get("store.aws.storage.class")).contains("STANDARD_IA");
    }

    @Test
    void aStorageClassWithAMinimumDurationIsValidButWarnedAboutNamingTheKey() {
        Map<String, String> props = s3Props();
        props.put("store.aws.storage.class", "GLACIER_IR");
        String log = LogCapture.stderrOf(() -> assertThat(errors(props)).isEmpty());
        assertThat(log).contains("WARN").contains("store.aws.storage.class=GLACIER_IR").contains("90 days");
        props.put("store.aws.storage.class", "INTELLIGENT_TIERING");
        assertThat(LogCapture.stderrOf(() -> assertThat(errors(props)).isEmpty())).doesNotContain("storage.class");
    }

    @Test
    void s3SettingsFromTheConfigReachTheWire() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(s3.endpoint())) {
            Map<String, String> props = s3Props();
            props.put("store.aws.sse", "SSE-KMS");
            props.put("store.aws.sse.kms.key.id", "alias/archive");
            props.put("store.aws.sse.bucket.key.enabled", "true");
            props.put("store.aws.storage.class", "INTELLIGENT_TIERING");
            props.put("store.aws.proxy.url", "http://127.0.0.1:" + proxy.port());
            props.put("store.aws.request.timeout.ms", "30000");
            props.put("store.aws.connect.timeout.ms", "5000");
            try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
                store.put("wire", new byte[] {1});
                store.remove("wire");
            }
            List<String> puts = proxy.requests().stream().filter(request -> request.startsWith("PUT http://")).toList();
            assertThat(puts).isNotEmpty().allSatisfy(put -> assertThat(put.toLowerCase())
                    .contains("x-amz-server-side-encryption: aws:kms")
                    .contains("x-amz-server-side-encryption-aws-kms-key-id: alias/archive")
                    .contains("x-amz-server-side-encryption-bucket-key-enabled: true")
                    .contains("x-amz-storage-class: intelligent_tiering"));
        }
    }

    @Test
    void aSasTokenWithAnotherAzureCredentialIsRejectedNamingBoth() {
        Map<String, String> props = new HashMap<>(Map.of("stores", "az", "store.az.type", "azure-blob",
                "store.az.container", "c", "store.az.account.name", "acct", "store.az.sas.token", "sv=1&sig=c2ln"));
        assertThat(errors(props)).isEmpty();
        props.put("store.az.account.key", "a2V5");
        assertThat(errors(props)).containsOnlyKeys("store.az.sas.token")
                .hasEntrySatisfying("store.az.sas.token", message -> assertThat(message).contains("store.az.account.key")
                        .doesNotContain("c2ln").doesNotContain("a2V5"));
        props.remove("store.az.account.key");
        props.remove("store.az.account.name");
        props.put("store.az.connection.string", "AccountName=acct;AccountKey=a2V5");
        assertThat(errors(props)).containsOnlyKeys("store.az.sas.token")
                .hasEntrySatisfying("store.az.sas.token", message -> assertThat(message).contains("store.az.connection.string"));
    }

    @Test
    void aColdAzureTierIsValidButWarnedAboutNamingTheKey() {
        Map<String, String> props = Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c",
                "store.az.account.name", "acct", "store.az.access.tier", "cold");
        String log = LogCapture.stderrOf(() -> assertThat(errors(props)).isEmpty());
        assertThat(log).contains("WARN").contains("store.az.access.tier=cold").contains("90 days");
        assertThat(errors(Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c",
                "store.az.account.name", "acct", "store.az.access.tier", "Archive"))).containsOnlyKeys("store.az.access.tier");
    }

    @Test
    void gcsSettingsFromTheConfigReachTheWire() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(URI.create(gcs.host()))) {
            Map<String, String> props = gcsProps();
            props.put("store.gcs.storage.class", "coldline");
            props.put("store.gcs.kms.key.name", "projects/p/locations/global/keyRings/r/cryptoKeys/k");
            props.put("store.gcs.proxy.url", "http://127.0.0.1:" + proxy.port());
            int before = gcs.uploadStarts().size();
            String log = LogCapture.stderrOf(() -> {
                try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
                    store.put("wire", new byte[] {1});
                    store.remove("wire");
                }
            });
            assertThat(log).contains("store.gcs.storage.class=coldline").contains("90 days");
            assertThat(gcs.uploadStarts().subList(before, gcs.uploadStarts().size())).isNotEmpty().allSatisfy(upload -> {
                assertThat(upload.query()).containsEntry("kmsKeyName", "projects/p/locations/global/keyRings/r/cryptoKeys/k");
                assertThat(upload.metadata()).contains("\"storageClass\":\"COLDLINE\"");
            });
            assertThat(proxy.requests()).isNotEmpty();
        }
    }

    /** Each key's errors from Connect's validate path, joined; keys without errors are left out. */
    private static Map<String, String> errors(Map<String, String> props) {
        return StackConfig.validate(props).stream().filter(value -> !value.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, value -> String.join("; ", value.errorMessages())));
    }

    @Test
    void theDefaultAzureCredentialChainNeedsAnHttpsEndpoint() {
        Map<String, String> props = Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c",
                "store.az.endpoint", "http://127.0.0.1:10000/devstoreaccount1");
        assertThatThrownBy(() -> StoreStack.open(props, SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.az.endpoint")
                .hasMessageContaining("https://");
    }

    /**
     * The chain itself is exercised in AzureDefaultCredentialTest, with its managed-identity step pinned to
     * loopback; here only the wiring: an account alone is a complete configuration (no token is asked for
     * until the first call, so this test touches no network).
     */
    @Test
    void anAzureAccountAloneIsACompleteConfigurationForTheDefaultChain() {
        Map<String, String> props = Map.of("stores", "az", "store.az.type", "azure-blob", "store.az.container", "c",
                "store.az.account.name", "mcstnocredential");
        try (KeyValueStore store = StoreStack.open(props, SCOPE)) {
            assertThat(store.name()).contains("az");
        }
    }

    @Test
    void badEndpointsAndBackoffsAreReportedByKey() {
        Map<String, String> props = s3Props();
        props.put("store.aws.endpoint", "minio:9000");
        props.put("retry.backoff.initial.ms", "500");
        props.put("retry.backoff.max.ms", "100");
        assertThatThrownBy(() -> StoreStack.open(props, SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.aws.endpoint")
                .hasMessageContaining("retry.backoff.max.ms");
    }

    @Test
    void secretsAreNeverShownInValidationResults() {
        Map<String, String> props = s3Props();
        props.put("store.aws.endpoint", "not a url");
        assertThat(StackConfig.validate(props).toString()).doesNotContain(S3ProxyServer.CREDENTIALS.secretAccessKey());
    }
}
