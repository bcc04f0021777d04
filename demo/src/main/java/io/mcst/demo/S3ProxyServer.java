package io.mcst.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A local S3 cloud: S3Proxy in its own JVM, from its self-contained jar, keeping blobs on disk under
 * {@code <dir>/blobs/<bucket>/}. Signature V2/V4 with a fixed demo identity.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "mcst-demo";
    static final String SECRET_KEY = "mcst-demo-secret";

    private final LocalProcess process;
    private final String endpoint;
    private final Path blobs;

    private S3ProxyServer(LocalProcess process, String endpoint, Path blobs) {
        this.process = process;
        this.endpoint = endpoint;
        this.blobs = blobs;
    }

    /** Starts S3Proxy with {@code bucket} already created (a bucket is a directory of the filesystem backend). */
    static S3ProxyServer start(Path dir, Path jar, String bucket) throws InterruptedException {
        int port = Net.freePort();
        String endpoint = "http://" + Net.HOST + ":" + port;
        Path blobs = dir.resolve("blobs").toAbsolutePath();
        Path properties = dir.resolve("s3proxy.properties");
        try {
            Files.createDirectories(blobs.resolve(bucket));
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.filesystem.basedir=" + blobs,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare S3Proxy under " + dir, e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        LocalProcess process = LocalProcess.start("s3proxy",
                List.of(java, "-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "--properties", properties.toString()),
                dir, dir.resolve("s3proxy.log"));
        process.awaitReady(() -> Net.awaitListening(port, process, Duration.ofMinutes(1)));
        return new S3ProxyServer(process, endpoint, blobs);
    }

    String endpoint() {
        return endpoint;
    }

    /** Where the blobs are on disk. */
    Path blobs() {
        return blobs;
    }

    @Override
    public void close() {
        process.close();
    }
}
