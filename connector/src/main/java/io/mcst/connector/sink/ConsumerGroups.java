package io.mcst.connector.sink;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * What the sink reads of the archived cluster's consumer groups. Connect gives a sink task no Admin client, so
 * the task builds one from {@code groups.cluster.*}.
 */
interface ConsumerGroups extends AutoCloseable {
    /** Longest the snapshotter waits for one answer of the cluster. */
    Duration TIMEOUT = Duration.ofSeconds(30);

    /** The ids of every consumer group the cluster knows. */
    Set<String> list() throws InterruptedException;

    /** {@code group}'s committed offsets, by partition; empty if the group is gone or committed none. */
    Map<TopicPartition, Long> committedOffsets(String group) throws InterruptedException;

    @Override
    void close();

    /** The consumer groups seen through an Admin client of the cluster {@code adminProperties} name. */
    static ConsumerGroups admin(Map<String, Object> adminProperties) {
        Admin admin = Admin.create(adminProperties);
        return new ConsumerGroups() {
            // listConsumerGroups is deprecated from Kafka 4.1 for listGroups, which workers before 4.0 lack; the
            // plugin runs with the worker's client library (3.9 and later), so it keeps the call all of them have.
            @SuppressWarnings("deprecation")
            @Override
            public Set<String> list() throws InterruptedException {
                String what = "list consumer groups";
                try {
                    return admin.listConsumerGroups().all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                            .map(ConsumerGroupListing::groupId).collect(Collectors.toUnmodifiableSet());
                } catch (ExecutionException e) {
                    throw failed(what, e);
                } catch (TimeoutException e) {
                    throw timedOut(what, e);
                }
            }

            @Override
            public Map<TopicPartition, Long> committedOffsets(String group) throws InterruptedException {
                String what = "read the committed offsets of group '" + requireNonNull(group, "group") + "'";
                Map<TopicPartition, OffsetAndMetadata> committed;
                try {
                    committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupIdNotFoundException) {
                        return Map.of(); // deleted since it was listed
                    }
                    throw failed(what, e);
                } catch (TimeoutException e) {
                    throw timedOut(what, e);
                }
                Map<TopicPartition, Long> offsets = new HashMap<>();
                committed.forEach((partition, offset) -> {
                    if (offset != null && offset.offset() >= 0) {
                        offsets.put(partition, offset.offset());
                    }
                });
                return offsets;
            }

            @Override
            public void close() {
                admin.close(Duration.ofSeconds(5));
            }
        };
    }

    private static ConnectException failed(String what, ExecutionException e) {
        return new ConnectException("could not " + what + ": " + e.getCause(), e.getCause());
    }

    private static ConnectException timedOut(String what, TimeoutException e) {
        return new ConnectException("the cluster did not answer within " + TIMEOUT + " to " + what + "; check "
                + SinkConfig.GROUPS_BOOTSTRAP_SERVERS_CONFIG, e);
    }
}
