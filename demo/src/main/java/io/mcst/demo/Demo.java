package io.mcst.demo;

import io.mcst.stores.azure.AzuriteServer;
import io.mcst.stores.s3.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * The demo: a local Kafka, a Connect worker with the plugin archive on its plugin.path, three local clouds
 * (S3Proxy, Azurite, a directory); archives a topic to all three, loses one cloud mid-stream, keeps archiving,
 * replays the archive into {@code <topic>-restored} and compares both topics byte for byte. Exits 0 and
 * prints "verified" only if they are identical.
 *
 * <p>Run by {@code demo.sh}, which passes the paths below as system properties.
 */
public final class Demo {
    static final String TOPIC = "orders";
    static final String RESTORED = TOPIC + "-restored";
    static final int PARTITIONS = 3;
    static final int FIRST_BATCH = 3_000;
    static final int SECOND_BATCH = 2_000;
    static final String SINK = "archive-orders";
    static final String SOURCE = "replay-orders";
    static final String BUCKET = "mcst-demo";
    static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    private final Path state;
    private final Instant started = Instant.now();
    private final Started running = new Started();

    private Demo(Path state) {
        this.state = state;
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(required("mcst.demo.dir")).toAbsolutePath();
        Demo demo = new Demo(state);
        Thread stopper = new Thread(demo.running::close, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        boolean verified;
        try {
            verified = demo.run();
        } catch (Exception e) {
            System.err.println("\nDemo FAILED: " + e.getMessage());
            System.err.println("Logs: " + state.resolve("kafka/kafka.log") + ", " + state.resolve("connect/connect.log")
                    + ", " + state.resolve("clouds"));
            verified = false;
        }
        demo.step("Stopping the worker, Kafka and the clouds");
        demo.running.close();
        System.out.println(verified ? "\nverified" : "\nNOT verified");
        System.exit(verified ? 0 : 1);
    }

    private boolean run() throws Exception {
        resetState();
        String classpath = Files.readString(Path.of(required("mcst.worker.classpath"))).trim();

        step("Installing the plugin archive into plugin.path");
        Path plugins = state.resolve("plugins");
        Path installed = PluginArchive.install(Path.of(required("mcst.plugin.archive")), plugins);
        say("  " + installed);

        step("Starting three local clouds");
        Path s3Data = state.resolve("clouds/s3");
        S3ProxyServer s3 = track(S3ProxyServer.startedIn(s3Data));
        s3.createBucket(BUCKET);
        say("  s3     S3Proxy at " + s3.endpoint() + ", bucket " + BUCKET);
        AzuriteServer azure = track(AzuriteServer.startedIn(state.resolve("clouds/azure")));
        azure.createContainer(BUCKET);
        say("  azure  Azurite (Azure Blob) at " + azure.connectionString().replaceAll("AccountKey=[^;]*", "AccountKey=…")
                + ", container " + BUCKET);
        Path local = state.resolve("clouds/local");
        Files.createDirectories(local);
        say("  local  directory " + local);

        step("Starting Kafka (KRaft, single node) and a distributed Connect worker");
        LocalKafka kafka = track(LocalKafka.start(state.resolve("kafka"), classpath));
        say("  Kafka at " + kafka.bootstrapServers());
        LocalConnect connect = track(LocalConnect.start(state.resolve("connect"), classpath, kafka.bootstrapServers(),
                "mcst-demo", plugins, "hybrid_warn"));
        say("  Connect REST at " + connect.rest().base() + ", plugins: " + connect.rest().connectorPlugins());

        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(SampleRecords.topic(TOPIC, PARTITIONS), SampleRecords.topic(RESTORED, PARTITIONS)))
                    .all().get();
        }

        step("Producing " + FIRST_BATCH + " records to '" + TOPIC + "' (" + PARTITIONS + " partitions; keys, null keys, "
                + "tombstones, binary values, repeated and null headers)");
        SampleRecords.produce(kafka.bootstrapServers(), TOPIC, PARTITIONS, 0, FIRST_BATCH);

        step("Deploying the sink through Connect's REST API: archive '" + TOPIC + "' to s3 + azure + local, atomic");
        Map<String, String> storage = storage(s3, azure, local);
        connect.rest().putConnector(SINK, sinkConfig(storage));
        awaitArchived(kafka, connect, FIRST_BATCH);

        step("Stopping the azure cloud (Azurite): 2 of 3 clouds left, a quorum still");
        azure.stop();
        say("  Producing " + SECOND_BATCH + " more records");
        SampleRecords.produce(kafka.bootstrapServers(), TOPIC, PARTITIONS, FIRST_BATCH, FIRST_BATCH + SECOND_BATCH);
        awaitArchived(kafka, connect, FIRST_BATCH + SECOND_BATCH);

        step("Deploying the source: replay the archive into '" + RESTORED + "' (azure still down)");
        connect.rest().putConnector(SOURCE, sourceConfig(storage, kafka.bootstrapServers()));
        awaitRestored(kafka, connect, FIRST_BATCH + SECOND_BATCH);

        step("Comparing '" + TOPIC + "' and '" + RESTORED + "' partition by partition (key, value, headers, timestamp)");
        TopicComparison.Result result = TopicComparison.compare(kafka.bootstrapServers(), TOPIC, RESTORED);
        summary(result, s3Data, azure, local);
        if (!result.identical()) {
            say("\nThe restored topic differs:");
            result.differences().forEach(d -> say("  " + d));
        }
        return result.identical();
    }

    /** The three local clouds as stores s3, azure and local, atomic: the demo's and the chaos test's. */
    static Map<String, String> storage(S3ProxyServer s3, AzuriteServer azure, Path local) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("stores", "s3,azure,local");
        config.put("store.s3.type", "s3");
        config.put("store.s3.endpoint", s3.endpoint().toString());
        config.put("store.s3.path.style", "true");
        config.put("store.s3.region", "us-east-1");
        config.put("store.s3.bucket", BUCKET);
        config.put("store.s3.access.key.id", S3ProxyServer.CREDENTIALS.accessKeyId());
        config.put("store.s3.secret.access.key", S3ProxyServer.CREDENTIALS.secretAccessKey());
        config.put("store.azure.type", "azure-blob");
        config.put("store.azure.container", BUCKET);
        config.put("store.azure.connection.string", azure.connectionString());
        config.put("store.local.type", "filesystem");
        config.put("store.local.path", local.toString());
        config.put("replication.semantics", "atomic");
        return config;
    }

    private static Map<String, String> sinkConfig(Map<String, String> storage) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", Connectors.SINK);
        config.put("tasks.max", "2");
        config.put("topics", TOPIC);
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("format", "envelope");
        config.put("flush.size", "400");
        config.put("rotate.schedule.interval.ms", "3000");
        config.putAll(storage);
        return config;
    }

    private static Map<String, String> sourceConfig(Map<String, String> storage, String bootstrapServers) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", Connectors.SOURCE);
        config.put("tasks.max", "2");
        config.put("archive.topics", TOPIC);
        config.put("target.cluster.bootstrap.servers", bootstrapServers);
        config.put("topic.rename.format", "${topic}-restored");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.putAll(storage);
        return config;
    }

    /** Waits until the sink's committed offsets reach {@code total}: those records are in a quorum of clouds. */
    private void awaitArchived(LocalKafka kafka, LocalConnect connect, long total) throws Exception {
        try (Admin admin = kafka.admin()) {
            Progress.await("archived", total, STEP_TIMEOUT, () -> {
                ensureRunning(connect, SINK);
                return Progress.archived(admin, SINK);
            }, Demo::say);
        }
    }

    private void awaitRestored(LocalKafka kafka, LocalConnect connect, long total) throws Exception {
        try (Admin admin = kafka.admin()) {
            Progress.await("restored", total, STEP_TIMEOUT, () -> {
                ensureRunning(connect, SOURCE);
                return Progress.records(admin, RESTORED);
            }, Demo::say);
        }
    }

    /** Fails fast, with the worker's trace, when a connector or one of its tasks has failed. */
    private static void ensureRunning(LocalConnect connect, String connector) throws Exception {
        connect.rest().ensureNotFailed(connector, "worker log: " + connect.log());
    }

    private void summary(TopicComparison.Result result, Path s3Data, AzuriteServer azure, Path local) throws IOException {
        step("Summary");
        say("  records compared  " + result.records() + " in " + PARTITIONS + " partitions, "
                + result.bytes() + " bytes of keys, values and headers");
        say("  bytes per cloud   s3 " + sizeOf(s3Data) + ", azure " + sizeOf(azure.location())
                + " (down since mid-stream), local " + sizeOf(local));
        BlobCensus census = BlobCensus.of(local);
        say("  archive keys      " + census.keys() + " (segments, their time index entries and index registers), " + census.blobs()
                + " blobs in 'local': " + census.versionsPerKey() + " versions per key");
        say("  time              " + Duration.between(started, Instant.now()).toSeconds() + " s");
        say("  the data          s3: " + s3Data.resolve(BUCKET));
        say("                    azure: " + azure.location());
        say("                    local: " + local);
        say("                    logs: " + state.resolve("kafka/kafka.log") + ", " + state.resolve("connect/connect.log"));
    }

    static long sizeOf(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private void resetState() throws IOException {
        // Everything starts from scratch (Azurite's npm install is the checkout's, in .cache/azurite).
        for (String dir : List.of("plugins", "clouds", "kafka", "connect", "logs")) {
            deleteTree(state.resolve(dir));
        }
        Files.createDirectories(state.resolve("logs"));
    }

    /** Deletes {@code path} and everything below it, if it exists. */
    static void deleteTree(Path path) throws IOException {
        if (Files.exists(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        return running.track(resource);
    }

    private void step(String what) {
        say("\n[" + Duration.between(started, Instant.now()).toSeconds() + "s] " + what);
    }

    private static void say(String line) {
        System.out.println(line);
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + property + " is not set; run the demo with ./demo.sh"
                    + " (the end-to-end benchmark: as benchmarks/README.md says)");
        }
        return value;
    }
}
