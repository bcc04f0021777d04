package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcst.stores.azure.AzuriteServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;

/**
 * The round trip in containers, as docker-compose.yml runs it: Kafka, a Connect worker (Kafka's own image)
 * with the plugin directory mounted on plugin.path, MinIO, Azurite and fake-gcs-server. The sink of
 * config-examples/compose-three-clouds-sink.json archives a topic to the three clouds; one cloud container is
 * stopped mid-stream; the source replays into {@code <topic>-restored}; both topics must match byte for byte.
 *
 * <p>Skipped (and reported as skipped) where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerRoundTripIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "orders";
    private static final String RESTORED = TOPIC + "-restored";
    private static final int PARTITIONS = 3;
    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    static Network network;
    static KafkaContainer kafka;
    static GenericContainer<?> connect;
    static MinIOContainer minio;
    static GenericContainer<?> azurite;
    static GenericContainer<?> gcs;

    @BeforeAll
    static void startContainers() throws Exception {
        DockerImages images = DockerImages.load();
        Path project = DockerImages.projectDir();
        network = Network.newNetwork();
        kafka = new KafkaContainer(images.image(DockerImages.KAFKA))
                .withNetwork(network).withNetworkAliases("kafka").withListener("kafka:19092");
        // Same bucket-as-directory trick and credentials as docker-compose.yml.
        minio = new MinIOContainer(images.image(DockerImages.MINIO))
                .withNetwork(network).withNetworkAliases("minio")
                .withUserName("mcst-compose").withPassword("mcst-compose-secret")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c",
                        "mkdir -p /data/mcst-archive && exec minio server /data --console-address :9001"));
        azurite = new GenericContainer<>(images.image(DockerImages.AZURITE))
                .withNetwork(network).withNetworkAliases("azurite")
                .withCommand("azurite-blob", "--blobHost", "0.0.0.0", "--blobPort", "10000", "--skipApiVersionCheck", "--loose")
                .withExposedPorts(10000)
                .waitingFor(Wait.forListeningPort());
        gcs = new GenericContainer<>(images.image(DockerImages.FAKE_GCS))
                .withNetwork(network).withNetworkAliases("fake-gcs")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c", "mkdir -p /data/mcst-archive && exec "
                        + "/bin/fake-gcs-server -data /data -scheme http -port 4443 -public-host fake-gcs:4443"))
                .withExposedPorts(4443)
                .waitingFor(Wait.forListeningPort());
        Startables.deepStart(kafka, minio, azurite, gcs).join();
        // The azure-blob store expects its container, as docker-compose.yml's azurite-container service makes it.
        new BlobServiceClientBuilder()
                .connectionString("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                        + AzuriteServer.ACCOUNT_KEY + ";BlobEndpoint=http://" + azurite.getHost() + ":"
                        + azurite.getMappedPort(10000) + "/devstoreaccount1;")
                .buildClient()
                .createBlobContainerIfNotExists("mcst-archive");

        connect = new GenericContainer<>(images.image(DockerImages.KAFKA))
                .withNetwork(network).withNetworkAliases("connect")
                .withFileSystemBind(project.resolve("plugin/target/plugin").toString(), "/opt/mcst/plugins", BindMode.READ_ONLY)
                .withCopyToContainer(Transferable.of(Files.readString(project.resolve("config-examples/compose-worker.properties"))),
                        "/etc/mcst/worker.properties")
                .withCommand("/opt/kafka/bin/connect-distributed.sh", "/etc/mcst/worker.properties")
                .withExposedPorts(8083)
                .waitingFor(Wait.forHttp("/connector-plugins").forPort(8083).withStartupTimeout(TIMEOUT));
        connect.start();
    }

    @AfterAll
    static void stopContainers() {
        for (var container : new GenericContainer<?>[] {connect, gcs, azurite, minio, kafka}) {
            if (container != null) {
                container.stop();
            }
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    void archivesToThreeCloudsLosesOneAndReplaysByteForByte() throws Exception {
        Path project = DockerImages.projectDir();
        ConnectRest rest = new ConnectRest(URI.create("http://" + connect.getHost() + ":" + connect.getMappedPort(8083)));
        assertThat(rest.connectorPlugins()).contains(Connectors.SINK, Connectors.SOURCE);

        JsonNode example = JSON.readTree(project.resolve("config-examples/compose-three-clouds-sink.json").toFile());
        String sink = example.get("name").asText();
        Map<String, String> sinkConfig = JSON.convertValue(example.get("config"), JSON.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, String.class));
        assertThat(sinkConfig).containsEntry("topics", TOPIC);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
            admin.createTopics(List.of(SampleRecords.topic(TOPIC, PARTITIONS), SampleRecords.topic(RESTORED, PARTITIONS)))
                    .all().get();
            SampleRecords.produce(kafka.getBootstrapServers(), TOPIC, PARTITIONS, 0, 2_000);
            rest.putConnector(sink, sinkConfig);
            Progress.await("archived", 2_000, TIMEOUT, () -> {
                rest.ensureNotFailed(sink, "sink in the connect container");
                return Progress.archived(admin, sink);
            }, System.out::println);

            gcs.stop(); // one of three clouds gone: a quorum of two remains
            SampleRecords.produce(kafka.getBootstrapServers(), TOPIC, PARTITIONS, 2_000, 3_000);
            Progress.await("archived", 3_000, TIMEOUT, () -> {
                rest.ensureNotFailed(sink, "sink in the connect container");
                return Progress.archived(admin, sink);
            }, System.out::println);

            Map<String, String> sourceConfig = new LinkedHashMap<>();
            sinkConfig.forEach((key, value) -> {
                if (key.startsWith("store") || key.startsWith("replication.") || key.endsWith(".converter")) {
                    sourceConfig.put(key, value);
                }
            });
            sourceConfig.put("connector.class", Connectors.SOURCE);
            sourceConfig.put("tasks.max", "1");
            sourceConfig.put("archive.topics", TOPIC);
            sourceConfig.put("topic.rename.format", "${topic}-restored");
            sourceConfig.put("target.cluster.bootstrap.servers", "kafka:19092");
            rest.putConnector("replay-orders", sourceConfig);
            Progress.await("restored", 3_000, TIMEOUT, () -> {
                rest.ensureNotFailed("replay-orders", "source in the connect container");
                return Progress.records(admin, RESTORED);
            }, System.out::println);
        }

        TopicComparison.Result result = TopicComparison.compare(kafka.getBootstrapServers(), TOPIC, RESTORED);
        assertThat(result.differences()).isEmpty();
        assertThat(result.records()).isEqualTo(3_000);
    }
}
