package io.mcst.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.GroupSnapshot;
import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.layers.faults.FaultInjectingStore;
import io.mcst.stores.memory.MemoryStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupSnapshotterTest {
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition OTHER = new TopicPartition("not-archived", 0);
    private static final ArchiveLayout LAYOUT = new ArchiveLayout("archive");

    private final MemoryStore memory = new MemoryStore("m");
    private final FaultInjectingStore store = new FaultInjectingStore(memory);
    private final FakeGroups cluster = new FakeGroups();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final GroupSnapshotter snapshotter = new GroupSnapshotter(cluster,
            new GroupSelection(Set.of("billing", "absent"), Optional.of(Pattern.compile("team-.*"))),
            "orders"::equals, store, LAYOUT, clock::get);

    @AfterEach
    void close() {
        snapshotter.close();
        assertThat(cluster.closed).isTrue();
        memory.close();
    }

    /** A cluster whose groups and offsets the test sets; a group set to null fails to answer. */
    private static final class FakeGroups implements ConsumerGroups {
        final Map<String, Map<TopicPartition, Long>> groups = new TreeMap<>();
        boolean listFails;
        boolean closed;

        @Override
        public Set<String> list() {
            if (listFails) {
                throw new ConnectException("cluster unreachable");
            }
            return Set.copyOf(groups.keySet());
        }

        @Override
        public Map<TopicPartition, Long> committedOffsets(String group) {
            Map<TopicPartition, Long> offsets = groups.get(group);
            if (offsets == null) {
                throw new ConnectException("coordinator of '" + group + "' not available");
            }
            return offsets;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private List<GroupSnapshot> history(String group) {
        return LAYOUT.groupSnapshots(memory, group).stream()
                .map(key -> GroupSnapshot.parse(key.key(), memory.get(key.key()).orElseThrow())).toList();
    }

    @Test
    void snapshotsTheChosenGroupsOffsetsOnTheArchivedTopicsOnly() throws Exception {
        cluster.groups.put("billing", Map.of(ORDERS_0, 10L, ORDERS_1, 20L, OTHER, 5L));
        cluster.groups.put("team-a/eu", Map.of(ORDERS_1, 3L));
        cluster.groups.put("unchosen", Map.of(ORDERS_0, 1L));
        cluster.groups.put("team-only-elsewhere", Map.of(OTHER, 1L));

        assertThat(snapshotter.snapshot()).isEqualTo(2);

        assertThat(LAYOUT.groups(memory)).containsExactly("billing", "team-a/eu");
        assertThat(history("billing")).containsExactly(new GroupSnapshot("billing", 1_000, Map.of(ORDERS_0, 10L, ORDERS_1, 20L)));
        assertThat(history("team-a/eu")).containsExactly(new GroupSnapshot("team-a/eu", 1_000, Map.of(ORDERS_1, 3L)));
    }

    @Test
    void writesAGroupAgainOnlyWhenItsOffsetsChangedAndKeepsTheLastOfAGoneGroup() throws Exception {
        cluster.groups.put("billing", Map.of(ORDERS_0, 10L));
        cluster.groups.put("team-x", Map.of(ORDERS_0, 7L));
        snapshotter.snapshot();
        clock.set(2_000);
        assertThat(snapshotter.snapshot()).isZero();

        cluster.groups.put("billing", Map.of(ORDERS_0, 15L));
        cluster.groups.remove("team-x"); // deleted
        clock.set(3_000);
        assertThat(snapshotter.snapshot()).isOne();

        assertThat(history("billing")).extracting(GroupSnapshot::timeMs).containsExactly(1_000L, 3_000L);
        assertThat(LAYOUT.groupSnapshotAsOf(memory, "billing", 2_999).orElseThrow().committedOffsets())
                .containsEntry(ORDERS_0, 10L);
        assertThat(history("team-x")).containsExactly(new GroupSnapshot("team-x", 1_000, Map.of(ORDERS_0, 7L)));
    }

    @Test
    void failuresAreRetriedAtTheNextRoundAndOneGroupsFailureSparesTheOthers() throws Exception {
        cluster.listFails = true;
        assertThatThrownBy(snapshotter::snapshot).hasMessageContaining("cluster unreachable");

        cluster.listFails = false;
        cluster.groups.put("billing", null);
        cluster.groups.put("team-a", Map.of(ORDERS_0, 1L));
        store.crash();
        assertThat(snapshotter.snapshot()).isZero();
        store.heal();
        assertThat(snapshotter.snapshot()).isOne(); // team-a, whose write failed before

        cluster.groups.put("billing", Map.of(ORDERS_0, 4L));
        clock.set(5_000);
        assertThat(snapshotter.snapshot()).isOne();
        assertThat(LAYOUT.groups(memory)).containsExactly("billing", "team-a");
    }

    @Test
    void runsOnItsOwnThreadUntilClosed() throws Exception {
        cluster.groups.put("billing", Map.of(ORDERS_0, 10L));
        snapshotter.start(1_000);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (LAYOUT.groups(memory).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(history("billing")).hasSize(1);
    }

    @Test
    void onlyTheFirstTaskSnapshotsAndGroupsNeedTheirCluster() throws Exception {
        cluster.groups.put("billing", Map.of(ORDERS_0, 10L));
        Map<String, String> props = new HashMap<>(Map.of("stores", "injected", "topics", "orders", "archive.prefix",
                "archive", "groups", "billing", "groups.cluster.bootstrap.servers", "127.0.0.1:9", "task.id", "1"));
        try (ReplicatedStore taskStore = SwitchableStore.replicatedMemory()) {
            List<SinkConfig> opened = new ArrayList<>();
            for (String taskId : List.of("1", "0")) {
                props.put("task.id", taskId);
                MultiCloudSinkTask task = new MultiCloudSinkTask(ignored -> taskStore, config -> {
                    opened.add(config);
                    return cluster;
                }, clock::get);
                task.initialize(new RecordingContext(false));
                task.start(props);
                task.stop();
            }
            assertThat(opened).hasSize(1);
            assertThat(opened.get(0).groupsClusterProperties()).containsEntry("bootstrap.servers", "127.0.0.1:9");
            assertThat(cluster.closed).isTrue();
        }

        props.remove("groups.cluster.bootstrap.servers");
        assertThatThrownBy(() -> new SinkConfig(props).groupSelection()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("groups.cluster.bootstrap.servers");
        props.put("groups.regex", "(");
        assertThatThrownBy(() -> new SinkConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("groups.regex");
        props.remove("groups");
        props.remove("groups.regex");
        assertThat(new SinkConfig(props).groupSelection()).isEmpty();
    }

    @Test
    void archivedTopicsFollowConnectsTopicsOrTopicsRegex() {
        Map<String, String> props = new HashMap<>(Map.of("stores", "s", "topics", "a, b"));
        assertThat(new SinkConfig(props).archivedTopics()).accepts("a", "b").rejects("c", "a, b");
        props.remove("topics");
        props.put("topics.regex", "or.*");
        assertThat(new SinkConfig(props).archivedTopics()).accepts("orders").rejects("xorders");
    }

    @Test
    void selectionMatchesNamedIdsAndTheWholeIdByRegex() {
        GroupSelection selection = new GroupSelection(Set.of("a"), Optional.of(Pattern.compile("b.*")));
        assertThat(selection.includes("a")).isTrue();
        assertThat(selection.includes("bcd")).isTrue();
        assertThat(selection.includes("ab")).isFalse();
        assertThat(new GroupSelection(Set.of(), Optional.empty()).includes("a")).isFalse();
    }
}
