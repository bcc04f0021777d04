package io.mcst.connector.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

/** Spreads archived partitions over tasks and carries each task's share in its configuration. */
final class TaskAssignment {
    /** Topic names cannot contain ':' (Kafka allows letters, digits, '.', '_', '-'), so it separates safely. */
    private static final char SEPARATOR = ':';
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private TaskAssignment() {}

    /**
     * Deals the partitions, sorted, round-robin to at most {@code maxTasks} tasks, so a topic's partitions spread
     * over tasks; no task is empty.
     */
    static List<List<TopicPartition>> distribute(Collection<TopicPartition> partitions, int maxTasks) {
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be at least 1: " + maxTasks);
        }
        List<TopicPartition> sorted = partitions.stream().sorted(ORDER).toList();
        int tasks = Math.min(maxTasks, sorted.size());
        List<List<TopicPartition>> shares = new ArrayList<>();
        for (int task = 0; task < tasks; task++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < sorted.size(); i++) {
            shares.get(i % tasks).add(sorted.get(i));
        }
        return shares;
    }

    static String encode(List<TopicPartition> partitions) {
        return String.join(",", partitions.stream().map(tp -> tp.topic() + SEPARATOR + tp.partition()).toList());
    }

    static List<TopicPartition> decode(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return List.of();
        }
        return Arrays.stream(encoded.split(",")).map(TaskAssignment::decodeOne).toList();
    }

    private static TopicPartition decodeOne(String entry) {
        int at = entry.lastIndexOf(SEPARATOR);
        try {
            return new TopicPartition(entry.substring(0, at), Integer.parseInt(entry.substring(at + 1)));
        } catch (RuntimeException e) {
            throw new ConnectException("task configuration " + SourceConfig.TASK_PARTITIONS_CONFIG + " holds '" + entry
                    + "', not topic:partition; the connector writes this key, do not set it by hand", e);
        }
    }
}
