package io.mcst.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class TaskAssignmentTest {

    @Test
    void dealsEveryPartitionToExactlyOneTaskEvenly() {
        Set<TopicPartition> partitions = new java.util.HashSet<>();
        for (int p = 0; p < 6; p++) {
            partitions.add(new TopicPartition("orders", p));
        }
        partitions.add(new TopicPartition("a.b-c_d", 0));

        List<List<TopicPartition>> shares = TaskAssignment.distribute(partitions, 3);

        assertThat(shares).hasSize(3);
        assertThat(shares).extracting(List::size).containsExactly(3, 2, 2);
        List<TopicPartition> all = new ArrayList<>();
        shares.forEach(all::addAll);
        assertThat(all).containsExactlyInAnyOrderElementsOf(partitions);
    }

    @Test
    void neverCreatesEmptyTasks() {
        assertThat(TaskAssignment.distribute(Set.of(new TopicPartition("t", 0)), 8)).hasSize(1);
        assertThat(TaskAssignment.distribute(Set.of(), 8)).isEmpty();
    }

    @Test
    void encodesAndDecodesTopicNamesWithDotsDashesAndUnderscores() {
        List<TopicPartition> share = List.of(new TopicPartition("a.b-c_d", 12), new TopicPartition("x", 0));

        assertThat(TaskAssignment.decode(TaskAssignment.encode(share))).isEqualTo(share);
        assertThat(TaskAssignment.decode("")).isEmpty();
    }

    @Test
    void rejectsAGarbledTaskConfiguration() {
        assertThatThrownBy(() -> TaskAssignment.decode("orders-3")).isInstanceOf(ConnectException.class)
                .hasMessageContaining("orders-3");
    }
}
