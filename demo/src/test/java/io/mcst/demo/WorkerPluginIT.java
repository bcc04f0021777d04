package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin archive installed as a user installs it: unzipped into {@code plugin.path} of a real distributed
 * worker (its own JVM, Kafka's jars only on its classpath), under both discovery modes. If a bundled jar
 * clashed with the worker's (Jackson, Netty, slf4j) or a service file were missing, a connector would be
 * absent here.
 */
class WorkerPluginIT {
    @TempDir
    static Path dir;
    static String classpath;
    static Path pluginPath;
    static LocalKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        classpath = Files.readString(Path.of(System.getProperty("mcst.worker.classpath"))).trim();
        pluginPath = dir.resolve("plugins");
        PluginArchive.install(Path.of(System.getProperty("mcst.plugin.archive")), pluginPath);
        kafka = LocalKafka.start(dir.resolve("kafka"), classpath);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"service_load", "only_scan"})
    void workerListsBothConnectors(String discovery) throws Exception {
        try (LocalConnect connect = LocalConnect.start(dir.resolve("connect-" + discovery), classpath,
                kafka.bootstrapServers(), "mcst-it-" + discovery.replace('_', '-'), pluginPath, discovery)) {
            assertThat(connect.rest().connectorPlugins())
                    .as("connector plugins of a worker with plugin.discovery=%s; log: %s", discovery, connect.log())
                    .contains(Connectors.SINK, Connectors.SOURCE);
        }
    }
}
