package io.mcst.stores.azure;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.mcst.stores.azure.AzureBlobStoreConfig.ConnectionString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Azurite's blob service ({@value #VERSION}, from npm) as a child process on a free port of 127.0.0.1, with
 * its data in a temporary directory or one the caller names. Installs Azurite into
 * {@code <repo>/.cache/azurite} on first use, so a fresh checkout needs only Node.js and npm. {@link #stop()}
 * and {@link #start()} keep the port and the data.
 */
public final class AzuriteServer implements AutoCloseable {
    public static final String VERSION = "3.37.0";
    /** Azurite's development account: public, documented constants. */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path executable;
    private final Path location;
    /** True for a temporary location, which {@link #close()} deletes; a caller's location stays. */
    private final boolean temporary;
    private int port;
    private Process process;

    private AzuriteServer(Path executable, Path location, boolean temporary) {
        this.executable = executable;
        this.location = location;
        this.temporary = temporary;
    }

    /** Installs Azurite if needed and starts it on a free port, its data in a temporary directory. */
    public static AzuriteServer started() throws IOException, InterruptedException {
        return started(Files.createTempDirectory("azurite-"), true);
    }

    /** Installs Azurite if needed and starts it on a free port, its data (and its log) kept in {@code location}. */
    public static AzuriteServer startedIn(Path location) throws IOException, InterruptedException {
        return started(Files.createDirectories(location).toAbsolutePath(), false);
    }

    private static AzuriteServer started(Path location, boolean temporary) throws IOException, InterruptedException {
        AzuriteServer server = new AzuriteServer(installed(), location, temporary);
        long begin = System.nanoTime();
        server.start();
        // Reported in the test output: how long each kind of test server takes to come up on this machine.
        System.out.printf("Azurite started at %s in %d ms%n", server.blobEndpoint(), (System.nanoTime() - begin) / 1_000_000);
        return server;
    }

    /** Starts the server: on a free port the first time, on the same port after {@link #stop()}. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        if (port == 0) {
            port = freePort();
        }
        Path log = location.resolve("azurite.log");
        process = new ProcessBuilder(executable.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--location", location.toString(), "--skipApiVersionCheck", "--loose", "--silent")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!accepts(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                stop();
                throw new IllegalStateException("Azurite did not start on port " + port + " within " + START_TIMEOUT
                        + "; its output: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** Stops the process (connections are refused); its data stays for {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        try {
            long closedBefore = closedMessages();
            // SIGTERM makes Azurite save its metadata and say so; the process itself then lingers for many
            // seconds, so it is killed once that message is out.
            process.destroy();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (process.isAlive() && closedMessages() == closedBefore && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // No log to read: fall through to the kill.
        }
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Azurite (pid " + process.pid() + ") did not exit", e);
        }
        process = null;
    }

    private long closedMessages() throws IOException {
        try (Stream<String> lines = Files.lines(location.resolve("azurite.log"))) {
            return lines.filter(line -> line.contains("successfully closed")).count();
        }
    }

    public URI blobEndpoint() {
        return URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=%s;"
                .formatted(ACCOUNT, ACCOUNT_KEY, blobEndpoint());
    }

    /** Creates {@code container} through the SDK. */
    public void createContainer(String container) {
        new BlobServiceClientBuilder().connectionString(connectionString())
                .httpClient(AzureBlobStore.httpClient(Optional.empty()))
                .buildClient().createBlobContainerIfNotExists(container);
    }

    /** The config of a store in {@code container} on this server. */
    public AzureBlobStoreConfig config(String storeName, String container) {
        return new AzureBlobStoreConfig(storeName, container, new ConnectionString(connectionString()), Optional.empty());
    }

    /** Where the data and the log are. */
    public Path location() {
        return location;
    }

    @Override
    public void close() throws IOException {
        stop();
        if (!temporary) {
            return;
        }
        try (Stream<Path> files = Files.walk(location)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** The azurite-blob executable, installed with npm below the repository's .cache if not there yet. */
    static Path installed() throws IOException, InterruptedException {
        Path prefix = repositoryRoot().resolve(".cache").resolve("azurite");
        Path executable = prefix.resolve("node_modules").resolve(".bin").resolve("azurite-blob");
        Files.createDirectories(prefix);
        // Two test JVMs (stores, replication) may both find it missing: one installs, the other waits.
        try (FileChannel channel = FileChannel.open(prefix.resolve("install.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.lock();
            try {
                if (!Files.isExecutable(executable)) {
                    npmInstall(prefix);
                }
            } finally {
                lock.release();
            }
        }
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("npm installed azurite@" + VERSION + " but " + executable + " is missing");
        }
        return executable;
    }

    private static void npmInstall(Path prefix) throws IOException, InterruptedException {
        Path log = prefix.resolve("npm-install.log");
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(),
                    "azurite@" + VERSION)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException noNpm) {
            throw new IllegalStateException("The Azure tests run Azurite " + VERSION + " from npm, and npm was not found: "
                    + "install Node.js 20+ and npm (e.g. apt-get install nodejs npm), or install Azurite yourself with "
                    + "'npm install --prefix " + prefix + " azurite@" + VERSION + "'", noNpm);
        }
        if (!npm.waitFor(10, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm install azurite@" + VERSION + " took over 10 minutes; see " + log);
        }
        if (npm.exitValue() != 0) {
            throw new IllegalStateException("npm install azurite@" + VERSION + " failed (exit " + npm.exitValue() + "): "
                    + Files.readString(log));
        }
    }

    /** The checkout's root: the nearest directory up from the working directory that holds .ci/run. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".ci").resolve("run"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no .ci/run above " + Path.of("").toAbsolutePath() + ": run the tests from the checkout");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
