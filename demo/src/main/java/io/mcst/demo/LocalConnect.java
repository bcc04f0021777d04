package io.mcst.demo;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real distributed Connect worker ({@code ConnectDistributed}) in its own JVM, on the worker's classpath only:
 * our connectors reach it solely through {@code plugin.path}, as in a user's cluster. REST on 127.0.0.1.
 */
final class LocalConnect implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final LocalProcess process;
    private final ConnectRest rest;

    private LocalConnect(LocalProcess process, ConnectRest rest) {
        this.process = process;
        this.rest = rest;
    }

    /**
     * Starts a worker of group {@code groupId}.
     *
     * @param pluginPath the directory holding unzipped plugin archives
     * @param discovery  {@code plugin.discovery}: service_load, hybrid_warn, only_scan...
     */
    static LocalConnect start(Path dir, String classpath, String bootstrapServers, String groupId, Path pluginPath,
            String discovery) throws InterruptedException {
        return start(dir, classpath, bootstrapServers, groupId, pluginPath, discovery, Map.of());
    }

    /**
     * Starts a worker as above with more worker properties ({@code extra}, e.g. exactly-once source support),
     * appended after the defaults. A worker started again in the same {@code dir} and group takes over the
     * connectors of one that was killed; its log goes on in the same file.
     */
    static LocalConnect start(Path dir, String classpath, String bootstrapServers, String groupId, Path pluginPath,
            String discovery, Map<String, String> extra) throws InterruptedException {
        requireNonNull(classpath, "classpath");
        requireNonNull(extra, "extra");
        int restPort = Net.freePort();
        Path properties = dir.resolve("worker.properties").toAbsolutePath();
        String config = String.join("\n",
                "bootstrap.servers=" + bootstrapServers,
                "group.id=" + groupId,
                "config.storage.topic=" + groupId + "-configs",
                "offset.storage.topic=" + groupId + "-offsets",
                "status.storage.topic=" + groupId + "-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                // Byte-exact pass-through: keys, values and headers stay bytes end to end.
                "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
                "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
                "header.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
                "offset.flush.interval.ms=2000",
                "listeners=http://" + Net.HOST + ":" + restPort,
                "rest.advertised.host.name=" + Net.HOST,
                "rest.advertised.port=" + restPort,
                "plugin.path=" + pluginPath.toAbsolutePath(),
                "plugin.discovery=" + discovery,
                "") + extra.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining());
        LocalProcess.writeConfig(properties, config);
        LocalProcess process = LocalProcess.start("connect worker",
                LocalProcess.java("768m", classpath, Logging.jvmOptions(dir, "connect", "INFO"),
                        "org.apache.kafka.connect.cli.ConnectDistributed", List.of(properties.toString())),
                dir, dir.resolve("connect.log"));
        LocalConnect connect = new LocalConnect(process, new ConnectRest(URI.create("http://" + Net.HOST + ":" + restPort)));
        process.awaitReady(connect::awaitReady);
        return connect;
    }

    private void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!rest.isUp()) {
            process.ensureAlive();
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Connect REST at " + rest.base() + " not up within " + START_TIMEOUT
                        + "; see " + process.log());
            }
            Thread.sleep(500);
        }
    }

    ConnectRest rest() {
        return rest;
    }

    Path log() {
        return process.log();
    }

    long pid() {
        return process.pid();
    }

    /** Appends the worker's thread stacks to its log. */
    void dumpThreads() {
        process.dumpThreads();
    }

    /** Kills the worker with SIGKILL: its tasks stop mid-write, nothing is flushed or committed on the way out. */
    void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
    }
}
