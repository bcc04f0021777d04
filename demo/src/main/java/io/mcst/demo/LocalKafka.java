package io.mcst.demo;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka (broker and controller in one process) run from the Maven jars: storage formatted
 * with {@code kafka.tools.StorageTool}, then {@code kafka.Kafka server.properties}. Both listeners on 127.0.0.1.
 */
final class LocalKafka implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final LocalProcess process;
    private final String bootstrapServers;

    private LocalKafka(LocalProcess process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    static LocalKafka start(Path dir, String classpath) throws InterruptedException {
        requireNonNull(classpath, "classpath");
        int brokerPort = Net.freePort();
        int controllerPort = Net.freePort();
        Path properties = dir.resolve("server.properties").toAbsolutePath();
        String bootstrap = Net.HOST + ":" + brokerPort;
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Net.HOST + ":" + controllerPort,
                "listeners=PLAINTEXT://" + bootstrap + ",CONTROLLER://" + Net.HOST + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + bootstrap,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
        LocalProcess.writeConfig(properties, config);
        List<String> logging = Logging.jvmOptions(dir, "kafka", "WARN");
        Path log = dir.resolve("kafka.log");

        LocalProcess format = LocalProcess.start("kafka storage format",
                LocalProcess.java("256m", classpath, logging, "kafka.tools.StorageTool",
                        List.of("format", "--ignore-formatted", "-t", Uuid.randomUuid().toString(), "-c", properties.toString())),
                dir, log);
        int exit = format.waitFor(START_TIMEOUT);
        if (exit != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (exit " + exit + "); see " + log);
        }

        LocalProcess broker = LocalProcess.start("kafka",
                LocalProcess.java("768m", classpath, logging, "kafka.Kafka", List.of(properties.toString())),
                dir, log);
        LocalKafka kafka = new LocalKafka(broker, bootstrap);
        broker.awaitReady(kafka::awaitReady);
        return kafka;
    }

    private void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            process.ensureAlive();
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Kafka at " + bootstrapServers + " not ready within "
                            + START_TIMEOUT + "; see " + process.log(), notYet);
                }
                Thread.sleep(500);
            }
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    long pid() {
        return process.pid();
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    @Override
    public void close() {
        process.close();
    }
}
