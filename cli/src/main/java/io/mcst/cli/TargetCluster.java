package io.mcst.cli;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.source.SourceConfig;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** The cluster a replay wrote into, seen through an Admin client: its consumer groups' states, and committing their offsets. */
final class TargetCluster implements AutoCloseable {
    private final Admin admin;

    private TargetCluster(Admin admin) {
        this.admin = admin;
    }

    /**
     * Connects with the source connector's {@code target.cluster.*} settings found in {@code config} (security
     * included), {@code bootstrapServers} replacing theirs when given.
     *
     * @throws ConfigException when neither names the cluster's brokers
     */
    static TargetCluster connect(Map<String, String> config, String bootstrapServers, String configPath) {
        Map<String, Object> props = new HashMap<>();
        config.forEach((key, value) -> {
            if (key.startsWith(SourceConfig.TARGET_CLUSTER_PREFIX)) {
                props.put(key.substring(SourceConfig.TARGET_CLUSTER_PREFIX.length()), value);
            }
        });
        if (bootstrapServers != null) {
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (!props.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ConfigException("no target cluster: pass --bootstrap-servers, or a --config with "
                    + SourceConfig.TARGET_BOOTSTRAP_SERVERS_CONFIG + " (the replay's source configuration; "
                    + configPath + " has none)");
        }
        return new TargetCluster(Admin.create(props));
    }

    /** A consumer group as the target cluster describes it; an absent group has neither state nor members. */
    record Group(String id, Optional<GroupState> state, int members) {
        Group {
            requireNonNull(id, "id");
            requireNonNull(state, "state");
        }

        /** Whether no consumer is active in it: its offsets may be set without one overwriting them or being misled. */
        boolean idle() {
            return state.map(s -> s == GroupState.EMPTY || s == GroupState.DEAD).orElse(true);
        }

        String describe() {
            return state.map(s -> s + " with " + members + (members == 1 ? " member" : " members")).orElse("absent");
        }
    }

    /** The state of each of {@code groups} on the target cluster. */
    Map<String, Group> describe(Collection<String> groups) {
        Map<String, KafkaFuture<ConsumerGroupDescription>> futures = admin.describeConsumerGroups(groups).describedGroups();
        Map<String, Group> described = new LinkedHashMap<>();
        for (String group : groups) {
            try {
                ConsumerGroupDescription description = futures.get(group).get();
                described.put(group, new Group(group, Optional.of(description.groupState()), description.members().size()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw failure("describing consumer group '" + group + "'", e);
                }
                described.put(group, new Group(group, Optional.empty(), 0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while describing consumer group '" + group + "'", e);
            }
        }
        return described;
    }

    /**
     * Commits {@code offsets} for {@code group}; the broker itself refuses a group that has active members.
     *
     * @return each partition's failure, empty where the offset is committed
     */
    Map<TopicPartition, Optional<Throwable>> commit(String group, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> committing = new LinkedHashMap<>();
        offsets.forEach((partition, offset) -> committing.put(partition, new OffsetAndMetadata(offset)));
        AlterConsumerGroupOffsetsResult result = admin.alterConsumerGroupOffsets(group, committing);
        Map<TopicPartition, Optional<Throwable>> outcome = new LinkedHashMap<>();
        for (TopicPartition partition : committing.keySet()) {
            try {
                result.partitionResult(partition).get();
                outcome.put(partition, Optional.empty());
            } catch (ExecutionException e) {
                outcome.put(partition, Optional.of(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while committing offsets of consumer group '" + group + "'", e);
            }
        }
        return outcome;
    }

    private static KafkaException failure(String what, ExecutionException e) {
        Throwable cause = e.getCause();
        return new KafkaException(what + " on the target cluster failed: " + cause.getClass().getSimpleName() + ": "
                + cause.getMessage(), cause);
    }

    @Override
    public void close() {
        admin.close();
    }
}
