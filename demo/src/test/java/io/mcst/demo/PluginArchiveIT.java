package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin archive's layout: one top directory, a manifest, our jars and their dependencies, none of the
 * worker's; the licence, the bundled libraries' notices and the install guide's list of them, as they are in
 * the repository and current with what lib/ holds.
 */
class PluginArchiveIT {
    /** The notice files a jar may carry, as plugin/update-third-party.sh collects them. */
    private static final Pattern NOTICE_ENTRY = Pattern.compile("META-INF/NOTICE(\\.txt|\\.md)?");

    static final List<String> WORKER_JAR_PREFIXES = List.of("kafka-clients-", "kafka_", "kafka-server", "connect-api-",
            "connect-runtime-", "connect-json-", "connect-transforms-", "slf4j-", "log4j-", "zstd-jni-", "lz4-java-",
            "snappy-java-");

    static String version;
    static String top;
    static List<String> entries;
    static Path project;

    @BeforeAll
    static void readArchive() throws IOException {
        version = System.getProperty("mcst.version");
        top = "mcst-kafka-connect-" + version + "/";
        project = Path.of(System.getProperty("mcst.project.dir"));
        try (ZipFile zip = archive()) {
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
        try (ZipFile zip = archive()) {
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
        List<String> jars = libJars();
        assertThat(jars).contains("mcst-stores-" + version + ".jar", "mcst-replication-" + version + ".jar",
                "mcst-connector-" + version + ".jar");
        assertThat(jars).noneMatch(jar -> WORKER_JAR_PREFIXES.stream().anyMatch(jar::startsWith));
    }

    @Test
    void licenceAndNoticeAreTheRepositorysAndTheManifestNamesTheLicence() throws IOException {
        try (ZipFile zip = archive()) {
            assertThat(text(zip, "LICENSE")).isEqualTo(Files.readString(project.resolve("LICENSE")))
                    .contains("Apache License", "Version 2.0, January 2004");
            assertThat(text(zip, "NOTICE")).isEqualTo(Files.readString(project.resolve("NOTICE")));
            JsonNode license = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry(top + "manifest.json")))
                    .path("license").path(0);
            assertThat(license.path("name").asText()).isEqualTo("Apache-2.0");
            assertThat(license.path("url").asText()).isEqualTo("https://www.apache.org/licenses/LICENSE-2.0");
        }
    }

    @Test
    void theManifestsDocumentationIsInTheArchive() throws IOException {
        try (ZipFile zip = archive()) {
            String documentation = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry(top + "manifest.json")))
                    .path("documentation_url").asText();
            assertThat(entries).contains(top + documentation);
        }
    }

    /** The install guide lists lib/ exactly; plugin/update-third-party.sh rewrites the list after a dependency change. */
    @Test
    void installGuideListsExactlyTheBundledJars() throws IOException {
        String guide = Files.readString(project.resolve("docs/install.md"));
        int start = guide.indexOf("<!-- bundled-jars:start -->");
        int end = guide.indexOf("<!-- bundled-jars:end -->");
        assertThat(start).as("the bundled-jars markers in docs/install.md").isNotNegative().isLessThan(end);
        Set<String> listed = new TreeSet<>(guide.substring(start, end).lines().filter(line -> line.endsWith(".jar")).toList());
        assertThat(listed).as("docs/install.md's jar list; run plugin/update-third-party.sh")
                .isEqualTo(new TreeSet<>(libJars()));
    }

    /** NOTICE names exactly the bundled jars that carry a notice; plugin/update-third-party.sh regenerates it. */
    @Test
    void noticeCoversExactlyTheBundledJarsThatCarryANotice() throws IOException {
        Set<String> carrying = new TreeSet<>();
        try (ZipFile zip = archive()) {
            for (String jar : libJars()) {
                try (ZipInputStream in = new ZipInputStream(zip.getInputStream(zip.getEntry(top + "lib/" + jar)))) {
                    for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                        boolean notice = NOTICE_ENTRY.matcher(entry.getName()).matches()
                                && !new String(in.readAllBytes(), StandardCharsets.UTF_8).isBlank();
                        if (notice) {
                            carrying.add("lib/" + jar);
                        }
                    }
                }
            }
        }
        Set<String> named = new TreeSet<>(Files.readString(project.resolve("NOTICE")).lines()
                .filter(line -> line.startsWith("lib/")).toList());
        assertThat(carrying).as("jars with a NOTICE").isNotEmpty();
        assertThat(named).as("jars NOTICE names; run plugin/update-third-party.sh").isEqualTo(carrying);
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

    private static ZipFile archive() throws IOException {
        return new ZipFile(Path.of(System.getProperty("mcst.plugin.archive")).toFile());
    }

    private static String text(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(top + name);
        assertThat(entry).as(name + " in the archive").isNotNull();
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> libJars() {
        return entries.stream()
                .filter(name -> name.startsWith(top + "lib/") && name.endsWith(".jar"))
                .map(name -> name.substring((top + "lib/").length()))
                .toList();
    }
}
