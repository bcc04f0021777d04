package io.mcst.stores.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mcst.stores.FaultyHttpProxy;
import io.mcst.stores.HttpProxy;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import io.mcst.stores.s3.S3StoreConfig.AssumedRole;
import io.mcst.stores.s3.S3StoreConfig.Credentials;
import io.mcst.stores.s3.S3StoreConfig.Encryption;
import io.mcst.stores.s3.S3StoreConfig.EncryptionMode;
import io.mcst.stores.s3.S3StoreConfig.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;

/**
 * Each S3 setting reaches the wire. S3Proxy ignores encryption and storage classes, so the requests are
 * captured on their way to it by a {@link FaultyHttpProxy} and their headers asserted; role assumption runs
 * against a local STS stand-in.
 */
class S3SettingsTest {
    private static final String BUCKET = "settings";
    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.started();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** A store whose requests reach S3Proxy through {@code recorder} as its endpoint. */
    private static S3StoreConfig through(FaultyHttpProxy recorder, Optional<Credentials> credentials,
            Optional<AssumedRole> role, Encryption encryption, Optional<String> storageClass) {
        return new S3StoreConfig("aws", BUCKET, Optional.of("us-east-1"),
                Optional.of(URI.create("http://127.0.0.1:" + recorder.port())), true, credentials, 8, role, encryption,
                storageClass, Optional.empty(), Timeouts.SDK_DEFAULTS);
    }

    private static void roundTrip(KeyValueStore store, String key) {
        store.put(key, new byte[] {1, 2, 3});
        assertThat(store.get(key)).hasValueSatisfying(value -> assertThat(value).containsExactly(1, 2, 3));
        store.remove(key);
    }

    @Test
    void sseKmsWithAKeyAndABucketKeyAndTheStorageClassGoWithEachPut() throws Exception {
        try (FaultyHttpProxy recorder = new FaultyHttpProxy(server.endpoint());
                S3Store store = new S3Store(through(recorder, Optional.of(S3ProxyServer.CREDENTIALS), Optional.empty(),
                        new Encryption(EncryptionMode.SSE_KMS, Optional.of("arn:aws:kms:us-east-1:111122223333:key/k1"), true),
                        Optional.of("STANDARD_IA")))) {
            roundTrip(store, "kms");
            assertThat(recorder.firstRequest("PUT").toLowerCase())
                    .contains("x-amz-server-side-encryption: aws:kms")
                    .contains("x-amz-server-side-encryption-aws-kms-key-id: arn:aws:kms:us-east-1:111122223333:key/k1")
                    .contains("x-amz-server-side-encryption-bucket-key-enabled: true")
                    .contains("x-amz-storage-class: standard_ia");
        }
    }

    @Test
    void sseS3SendsAes256AndTheDefaultsSendNoEncryptionOrClassHeader() throws Exception {
        try (FaultyHttpProxy recorder = new FaultyHttpProxy(server.endpoint());
                S3Store store = new S3Store(through(recorder, Optional.of(S3ProxyServer.CREDENTIALS), Optional.empty(),
                        new Encryption(EncryptionMode.SSE_S3, Optional.empty(), false), Optional.empty()))) {
            roundTrip(store, "sse-s3");
            assertThat(recorder.firstRequest("PUT").toLowerCase()).contains("x-amz-server-side-encryption: aes256")
                    .doesNotContain("x-amz-server-side-encryption-aws-kms-key-id").doesNotContain("x-amz-storage-class");
        }
        try (FaultyHttpProxy recorder = new FaultyHttpProxy(server.endpoint());
                S3Store store = new S3Store(through(recorder, Optional.of(S3ProxyServer.CREDENTIALS), Optional.empty(),
                        Encryption.BUCKET_DEFAULT, Optional.empty()))) {
            roundTrip(store, "defaults");
            assertThat(recorder.firstRequest("PUT").toLowerCase()).doesNotContain("x-amz-server-side-encryption")
                    .doesNotContain("x-amz-storage-class");
        }
    }

    @Test
    void anAssumedRolesTemporaryCredentialsSignTheRequests() throws Exception {
        // STS answers with S3Proxy's own key pair (so S3Proxy accepts the signatures) and a session token.
        List<String> stsCalls = new CopyOnWriteArrayList<>();
        HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        sts.createContext("/", exchange -> {
            String form = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8);
            stsCalls.add(exchange.getRequestHeaders().getFirst("Authorization") + "\n" + form);
            byte[] body = """
                    <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
                    <Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>
                    <SessionToken>session-token-1</SessionToken><Expiration>%s</Expiration></Credentials>
                    <AssumedRoleUser><AssumedRoleId>AROA1:archiver</AssumedRoleId>
                    <Arn>arn:aws:sts::111122223333:assumed-role/archiver/mcst</Arn></AssumedRoleUser>
                    </AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>
                    """.formatted(S3ProxyServer.CREDENTIALS.accessKeyId(), S3ProxyServer.CREDENTIALS.secretAccessKey(),
                    Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        sts.start();
        AssumedRole role = new AssumedRole("arn:aws:iam::111122223333:role/archiver", Optional.of("ext-42"), "mcst-aws",
                Optional.of(URI.create("http://127.0.0.1:" + sts.getAddress().getPort())));
        try (FaultyHttpProxy recorder = new FaultyHttpProxy(server.endpoint());
                S3Store store = new S3Store(through(recorder, Optional.of(new Credentials("BASEKEY", "base-secret")),
                        Optional.of(role), Encryption.BUCKET_DEFAULT, Optional.empty()))) {
            // S3Proxy refuses session tokens (501), so the recorder answers the put as S3 would.
            recorder.failNext(1, new FaultyHttpProxy.Failure(200, "OK", List.of("ETag: \"1\""), ""));
            store.put("role", new byte[] {1});
            assertThat(stsCalls).hasSize(1);
            assertThat(stsCalls.get(0)).contains("Credential=BASEKEY/").contains("Action=AssumeRole")
                    .contains("RoleArn=arn:aws:iam::111122223333:role/archiver").contains("ExternalId=ext-42")
                    .contains("RoleSessionName=mcst-aws");
            assertThat(recorder.firstRequest("PUT"))
                    .contains("Credential=" + S3ProxyServer.CREDENTIALS.accessKeyId() + "/")
                    .containsIgnoringCase("x-amz-security-token: session-token-1");
        } finally {
            sts.stop(0);
        }
    }

    @Test
    void requestsGoThroughTheConfiguredProxy() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(server.endpoint());
                S3Store store = new S3Store(new S3StoreConfig("aws", BUCKET, Optional.of("us-east-1"),
                        Optional.of(server.endpoint()), true, Optional.of(S3ProxyServer.CREDENTIALS), 8, Optional.empty(),
                        Encryption.BUCKET_DEFAULT, Optional.empty(),
                        Optional.of(new HttpProxy(URI.create("http://127.0.0.1:" + proxy.port()), Optional.empty(),
                                Optional.empty())), Timeouts.SDK_DEFAULTS))) {
            roundTrip(store, "proxied");
            // A forward proxy sees the absolute URL of the endpoint, not a path.
            assertThat(proxy.firstRequest("PUT")).startsWith("PUT " + server.endpoint() + "/" + BUCKET + "/");
            assertThat(proxy.requests()).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void theProxyCredentialsAnswerTheProxysChallenge() throws Exception {
        try (FaultyHttpProxy proxy = new FaultyHttpProxy(server.endpoint());
                S3Store store = new S3Store(new S3StoreConfig("aws", BUCKET, Optional.of("us-east-1"),
                        Optional.of(server.endpoint()), true, Optional.of(S3ProxyServer.CREDENTIALS), 8, Optional.empty(),
                        Encryption.BUCKET_DEFAULT, Optional.empty(),
                        Optional.of(new HttpProxy(URI.create("http://127.0.0.1:" + proxy.port()), Optional.of("archiver"),
                                Optional.of("proxy-secret"))), Timeouts.SDK_DEFAULTS))) {
            // Over https the proxy challenges the CONNECT; over http this body-less request.
            proxy.failNext(1, FaultyHttpProxy.PROXY_AUTHENTICATION_REQUIRED);
            assertThat(store.get("absent")).isEmpty();
            roundTrip(store, "authenticated");
            assertThat(proxy.requests()).anySatisfy(request -> assertThat(request)
                    .contains(FaultyHttpProxy.proxyAuthorization("archiver", "proxy-secret")));
        }
    }

    @Test
    void aRequestThatGetsNoAnswerEndsAtTheRequestTimeout() throws IOException {
        // Accepts connections and never answers: without the timeout, the socket's 30 s would end the call.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                S3Store store = new S3Store(new S3StoreConfig("aws", BUCKET, Optional.of("us-east-1"),
                        Optional.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())), true,
                        Optional.of(S3ProxyServer.CREDENTIALS), 8, Optional.empty(), Encryption.BUCKET_DEFAULT,
                        Optional.empty(), Optional.empty(),
                        new Timeouts(Optional.empty(), Optional.of(Duration.ofMillis(300)))))) {
            assertThatThrownBy(() -> store.get("k"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasRootCauseInstanceOf(ApiCallAttemptTimeoutException.class);
        }
    }
}
