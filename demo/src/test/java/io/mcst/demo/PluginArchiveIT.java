package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plugin archive's layout: one top directory, a manifest, our jars and their dependencies, none of the worker's. */
class PluginArchiveIT {
    static final List<String> WORKER_JAR_PREFIXES = List.of("kafka-clients-", "kafka_", "kafka-server", "connect-api-",
            "connect-runtime-", "connect-json-", "connect-transforms-", "slf4j-", "log4j-", "zstd-jni-", "lz4-java-",
            "snappy-java-");

    static String version;
    static String top;
    static List<String> entries;

    @BeforeAll
    static void readArchive() throws IOException {
        version = System.getProperty("mcst.version");
        top = "mcst-kafka-connect-" + version + "/";
        try (ZipFile zip = new ZipFile(Path.of(System.getProperty("mcst.plugin.archive")).toFile())) {
            entries = Collections.list(zip.entries()).stream().map(e -> e.getName()).toList();
        }
    }

    @Test
    void everythingSitsInOneVersionedTopDirectory() {
        assertThat(entries).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith(top));
        assertThat(entries).contains(top + "manifest.json", top + "lib/", top + "doc/bundled-dependencies.txt",
                top + "doc/install.md", top + "etc/worker.properties");
    }

    @Test
    void manifestDescribesBothConnectorsAtThisVersion() throws IOException {
        try (ZipFile zip = new ZipFile(Path.of(System.getProperty("mcst.plugin.archive")).toFile())) {
            JsonNode manifest = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry(top + "manifest.json")));
            assertThat(manifest.path("version").asText()).isEqualTo(version);
            assertThat(manifest.path("name").asText()).isEqualTo("mcst-kafka-connect");
            List<String> types = new ArrayList<>();
            manifest.path("component_types").forEach(t -> types.add(t.asText()));
            assertThat(types).containsExactlyInAnyOrder("sink", "source");
        }
    }

    @Test
    void libHoldsOurJarsAndNoneOfTheWorkers() {
        List<String> jars = entries.stream()
                .filter(name -> name.startsWith(top + "lib/") && name.endsWith(".jar"))
                .map(name -> name.substring((top + "lib/").length()))
                .toList();
        assertThat(jars).contains("mcst-stores-" + version + ".jar", "mcst-replication-" + version + ".jar",
                "mcst-connector-" + version + ".jar");
        assertThat(jars).noneMatch(jar -> WORKER_JAR_PREFIXES.stream().anyMatch(jar::startsWith));
    }

    @Test
    void theMcstToolShipsWithWhatItNeedsOutsideAWorker() {
        assertThat(entries).contains(top + "bin/mcst", top + "lib/mcst-cli-" + version + ".jar");
        assertThat(entries).anyMatch(name -> name.startsWith(top + "lib/picocli-"));
        List<String> cliJars = entries.stream()
                .filter(name -> name.startsWith(top + "cli/lib/") && name.endsWith(".jar"))
                .map(name -> name.substring((top + "cli/lib/").length()))
                .toList();
        assertThat(cliJars).anyMatch(jar -> jar.startsWith("kafka-clients-")).anyMatch(jar -> jar.startsWith("connect-api-"));
    }

    @Test
    void configExamplesForDockerComposeStayOut() {
        assertThat(entries).noneMatch(name -> name.startsWith(top + "etc/compose-"));
    }
}
