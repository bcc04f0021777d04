package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * What the task must know of the cluster it replays into: how many partitions each target topic has. Connect
 * gives a source task no view of its cluster, and its producer waits forever (max.block.ms is unbounded in
 * Connect) for a partition that does not exist, so the task asks an Admin client before replaying.
 */
interface TargetTopics extends AutoCloseable {

    /** The partition count of {@code topic}, or empty if it does not exist. */
    OptionalInt partitionCount(String topic);

    @Override
    void close();

    /** Target topics seen through an Admin client of the target cluster. */
    static TargetTopics admin(Map<String, Object> adminProperties) {
        Admin admin = Admin.create(adminProperties);
        Duration timeout = Duration.ofMinutes(1);
        return new TargetTopics() {
            @Override
            public OptionalInt partitionCount(String topic) {
                requireNonNull(topic, "topic");
                try {
                    return OptionalInt.of(admin.describeTopics(Set.of(topic)).allTopicNames()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().size());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        return OptionalInt.empty();
                    }
                    throw new ConnectException("cannot describe target topic '" + topic + "': " + e.getCause(), e);
                } catch (TimeoutException e) {
                    throw new ConnectException("the target cluster did not describe topic '" + topic + "' within "
                            + timeout + "; check " + SourceConfig.TARGET_BOOTSTRAP_SERVERS_CONFIG, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("interrupted while describing target topic '" + topic + "'", e);
                }
            }

            @Override
            public void close() {
                admin.close(Duration.ofSeconds(5));
            }
        };
    }
}
