package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Starting connectors on the embedded cluster and watching how far they got. */
final class ConnectRuns implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final EmbeddedConnectCluster connect;
    private final Admin admin;

    ConnectRuns(EmbeddedConnectCluster connect) {
        this.connect = requireNonNull(connect, "connect");
        this.admin = connect.kafka().createAdminClient();
    }

    /** Records a sink connector has archived: the offsets it committed, summed over partitions. */
    long committed(String connector) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("connect-" + connector)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            return 0; // the group does not exist yet
        }
    }

    /** Records in {@code topic}: its end offsets, summed over partitions. */
    long records(String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try {
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /** How a connector run ended: when it reached its goal, or how far it got and whether it failed. */
    record Progress(long reached, long goal, long startNanos, long doneNanos, String failure) {
        boolean complete() {
            return failure == null && reached >= goal;
        }

        /** Why the run did not complete, or null if it did. */
        String problem() {
            if (failure != null) {
                return failure;
            }
            return complete() ? null : "reached " + reached + " of " + goal + " in " + elapsed().toSeconds() + " s";
        }

        Duration elapsed() {
            return Duration.ofNanos(doneNanos - startNanos);
        }
    }

    /**
     * Starts {@code connector} and polls {@code progress} until it reaches {@code goal}, the connector or a
     * task fails, or {@code timeout} passes; then deletes the connector. {@code onPoll} runs at each poll,
     * with the nanoseconds since the start.
     */
    Progress run(String connector, Map<String, String> config, LongSupplier progress, long goal, Duration timeout,
            LongConsumer onPoll) {
        long start = System.nanoTime();
        connect.configureConnector(connector, new HashMap<>(config));
        try {
            long deadline = start + timeout.toNanos();
            long reached = 0;
            while (System.nanoTime() < deadline) {
                reached = progress.getAsLong();
                if (reached >= goal) {
                    return new Progress(reached, goal, start, System.nanoTime(), null);
                }
                String failure = failure(connector);
                if (failure != null) {
                    return new Progress(reached, goal, start, System.nanoTime(), failure);
                }
                onPoll.accept(System.nanoTime() - start);
                sleep(POLL);
            }
            return new Progress(reached, goal, start, System.nanoTime(), null);
        } finally {
            connect.deleteConnector(connector);
        }
    }

    private String failure(String connector) {
        ConnectorStateInfo status;
        try {
            status = connect.connectorStatus(connector);
        } catch (RuntimeException notYetKnown) {
            return null;
        }
        if ("FAILED".equals(status.connector().state())) {
            return "connector failed: " + firstLine(status.connector().trace());
        }
        List<ConnectorStateInfo.TaskState> tasks = status.tasks();
        for (ConnectorStateInfo.TaskState task : tasks) {
            if ("FAILED".equals(task.state())) {
                return "task " + task.id() + " failed: " + firstLine(task.trace());
            }
        }
        return null;
    }

    private static String firstLine(String trace) {
        return trace == null ? "(no trace)" : trace.lines().findFirst().orElse("");
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
