package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.stores.gcs.GcsTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plugin archive installed as a user installs it: unzipped into {@code plugin.path} of a real distributed
 * worker (its own JVM, Kafka's jars only on its classpath), under both discovery modes (service_load and
 * only_scan), on three Connect runtimes: the one we build against, and the oldest and newest the Maven
 * repository serves (module connect-runtimes). A missing service file would hide a connector; a bundled jar that
 * clashed with the worker's (Jackson, Netty, slf4j, Avro) would fail the round trip, and so would a jar the
 * archive leaves out that the Google Cloud Storage client loads (the worker's classpath has Kafka's jars only,
 * nothing to fall back on), or an API of a newer runtime the connectors call unguarded.
 */
class WorkerPluginIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** Under target/, not a temporary directory: the broker's and workers' logs outlive a failure. */
    static Path dir;
    static String classpath;
    static Path pluginPath;
    static LocalKafka kafka;
    static GcsTestServer gcs;

    /** One Connect release a worker runs, by the classpath its jars make. */
    record ConnectRelease(String name, String classpath) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<ConnectRelease> runtimes() throws Exception {
        return List.of(new ConnectRelease("built-against", classpath("mcst.worker.classpath")),
                new ConnectRelease("oldest", classpath("mcst.worker.classpath.oldest")),
                new ConnectRelease("newest", classpath("mcst.worker.classpath.newest")));
    }

    /** The classpath written to the file the system property {@code property} names. */
    private static String classpath(String property) throws IOException {
        return Files.readString(Path.of(System.getProperty(property))).trim();
    }

    @BeforeAll
    static void startKafka() throws Exception {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "worker-plugin-it-").toAbsolutePath();
        classpath = classpath("mcst.worker.classpath");
        pluginPath = dir.resolve("plugins");
        PluginArchive.install(Path.of(System.getProperty("mcst.plugin.archive")), pluginPath);
        kafka = LocalKafka.start(dir.resolve("kafka"), classpath);
        gcs = GcsTestServer.started();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
        if (gcs != null) {
            gcs.close();
        }
    }

    /**
     * The connectors run in a real worker of each release from the installed archive: a sink archives a topic to
     * two directories and a GCS bucket (the real Google client against the test server), a source replays it into
     * another topic, byte for byte. Class-loading clashes between the archive's libraries (Avro, Jackson, Tink,
     * the cloud SDKs) and the worker's, or a class the archive lacks, would fail here.
     */
    @ParameterizedTest
    @MethodSource("runtimes")
    void workerListsBothConnectorsAndRunsThemByteExact(ConnectRelease runtime) throws Exception {
        String topic = "events-" + runtime.name();
        String bucket = "archive-" + runtime.name();
        gcs.createBucket(bucket);
        Map<String, String> storage = new LinkedHashMap<>();
        storage.put("stores", "a,b,c");
        for (String store : List.of("a", "b")) {
            storage.put("store." + store + ".type", "filesystem");
            storage.put("store." + store + ".path", dir.resolve("clouds-" + runtime.name() + "/" + store).toString());
        }
        storage.putAll(Map.of("store.c.type", "gcs", "store.c.bucket", bucket, "store.c.project", "test-project",
                "store.c.host", gcs.host()));
        Map<String, String> bytes = Map.of(
                "key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        Map<String, String> sink = new LinkedHashMap<>(storage);
        sink.putAll(bytes);
        sink.putAll(Map.of("connector.class", Connectors.SINK, "topics", topic, "flush.size", "100",
                "rotate.schedule.interval.ms", "2000", "layers", "compression", "compression.codec", "zstd"));
        Map<String, String> source = new LinkedHashMap<>(storage);
        source.putAll(bytes);
        source.putAll(Map.of("connector.class", Connectors.SOURCE, "archive.topics", topic,
                "topic.rename.format", "${topic}-restored", "target.cluster.bootstrap.servers", kafka.bootstrapServers(),
                "layers", "compression", "compression.codec", "zstd"));
        String sinkName = "archive-" + topic;
        long uploadsBefore = gcsUploads();

        try (LocalConnect connect = LocalConnect.start(dir.resolve("connect-" + runtime.name()), runtime.classpath(),
                kafka.bootstrapServers(), "mcst-it-" + runtime.name(), pluginPath, "service_load");
                Admin admin = kafka.admin()) {
            assertThat(connect.rest().connectorPlugins()).as("plugins; log: %s", connect.log())
                    .contains(Connectors.SINK, Connectors.SOURCE);
            admin.createTopics(List.of(SampleRecords.topic(topic, 2), SampleRecords.topic(topic + "-restored", 2)))
                    .all().get();
            SampleRecords.produce(kafka.bootstrapServers(), topic, 2, 0, 1_000);
            try {
                connect.rest().putConnector(sinkName, sink);
                Progress.await("archived", 1_000, TIMEOUT, () -> {
                    connect.rest().ensureNotFailed(sinkName, "worker log: " + connect.log());
                    return Progress.archived(admin, sinkName);
                }, System.out::println);
                connect.rest().putConnector("replay-" + topic, source);
                Progress.await("restored", 1_000, TIMEOUT, () -> {
                    connect.rest().ensureNotFailed("replay-" + topic, "worker log: " + connect.log());
                    return Progress.records(admin, topic + "-restored");
                }, System.out::println);
            } catch (IllegalStateException stuck) {
                connect.dumpThreads(); // where the tasks wait, in the worker's log
                throw stuck;
            }
        }
        TopicComparison.Result result = TopicComparison.compare(kafka.bootstrapServers(), topic, topic + "-restored");
        assertThat(result.differences()).isEmpty();
        assertThat(result.records()).isEqualTo(1_000);
        assertThat(gcsUploads() - uploadsBefore).as("objects the sink wrote to the GCS store").isPositive();
    }

    /** Classpath scanning, the other discovery mode: the worker scans the archive's classes instead of reading its service files. */
    @ParameterizedTest
    @MethodSource("runtimes")
    void scanningWorkerListsBothConnectors(ConnectRelease runtime) throws Exception {
        try (LocalConnect connect = LocalConnect.start(dir.resolve("connect-only-scan-" + runtime.name()),
                runtime.classpath(), kafka.bootstrapServers(), "mcst-it-only-scan-" + runtime.name(), pluginPath,
                "only_scan")) {
            assertThat(connect.rest().connectorPlugins()).as("plugins; log: %s", connect.log())
                    .contains(Connectors.SINK, Connectors.SOURCE);
        }
    }

    private static long gcsUploads() {
        return gcs.uploadsStarted("media") + gcs.uploadsStarted("multipart") + gcs.uploadsStarted("resumable");
    }
}
