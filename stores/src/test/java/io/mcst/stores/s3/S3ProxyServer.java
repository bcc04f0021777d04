package io.mcst.stores.s3;

import io.mcst.stores.s3.S3StoreConfig.Credentials;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3 HTTP server in this JVM (S3Proxy over an in-memory blob store, or one on disk for the demo; see
 * {@link FlatNamesBlobStore}) on a free port of 127.0.0.1, checking AWS V2 or V4 signatures. {@link #stop()}
 * and {@link #start()} keep the port and the data, so a test can take "the cloud" down and bring it back.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final Credentials CREDENTIALS = new Credentials("test-access-key", "test-secret-key");

    private final BlobStore blobs;
    private int port;
    private S3Proxy proxy;

    private S3ProxyServer(BlobStore backend) {
        this.blobs = new FlatNamesBlobStore(backend);
    }

    /** Starts a server on a free port, its data in memory. */
    public static S3ProxyServer started() throws Exception {
        return started(new TransientNio2BlobStore());
    }

    /** Starts a server on a free port, its data on disk: each bucket a directory of {@code directory}. */
    public static S3ProxyServer startedIn(Path directory) throws Exception {
        Files.createDirectories(directory);
        return started(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()));
    }

    private static S3ProxyServer started(BlobStore backend) throws Exception {
        S3ProxyServer server = new S3ProxyServer(backend);
        long begin = System.nanoTime();
        server.start();
        // Reported in the test output: how long each kind of test server takes to come up on this machine.
        System.out.printf("S3Proxy started at %s in %d ms%n", server.endpoint(), (System.nanoTime() - begin) / 1_000_000);
        return server;
    }

    /** Starts the server: on a free port the first time, on the same port after {@link #stop()}. */
    public synchronized void start() throws Exception {
        if (proxy != null) {
            return;
        }
        S3Proxy started = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, CREDENTIALS.accessKeyId(), CREDENTIALS.secretAccessKey())
                .build();
        started.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!"STARTED".equals(started.getState())) {
            if (Instant.now().isAfter(deadline)) {
                started.stop();
                throw new IllegalStateException("S3Proxy did not start within 60 s: " + started.getState());
            }
            Thread.sleep(10);
        }
        port = started.getPort();
        proxy = started;
    }

    /** Stops answering (connections are refused) but keeps the data for {@link #start()}. */
    public synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Creates {@code bucket} directly in the blob store. */
    public void createBucket(String bucket) {
        blobs.createContainer(bucket);
    }

    /** The config of a store in {@code bucket} on this server. */
    public S3StoreConfig config(String storeName, String bucket) {
        return new S3StoreConfig(storeName, bucket, Optional.of("us-east-1"), Optional.of(endpoint()), true,
                Optional.of(CREDENTIALS), 8);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }
}
