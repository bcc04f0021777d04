package io.mcst.connector.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class GroupSnapshotTest {
    private final ArchiveLayout layout = new ArchiveLayout("team/archive");

    @Test
    void roundTripsWithItsOffsetsInTopicThenPartitionOrder() {
        GroupSnapshot snapshot = new GroupSnapshot("billing", 1_764_751_200_000L, Map.of(
                new TopicPartition("orders", 10), 7L, new TopicPartition("orders", 2), 1042L,
                new TopicPartition("a.b", 0), 0L));
        String key = layout.groupSnapshotKey(snapshot.group(), snapshot.timeMs());

        assertThat(key).isEqualTo("team/archive/@groups/billing/00000001764751200000.json");
        assertThat(GroupSnapshot.parse(key, snapshot.toBytes())).isEqualTo(snapshot);
        assertThat(snapshot.committedOffsets().keySet()).containsExactly(new TopicPartition("a.b", 0),
                new TopicPartition("orders", 2), new TopicPartition("orders", 10));
        assertThat(new String(snapshot.toBytes(), StandardCharsets.UTF_8).replaceAll("\\s", "")).isEqualTo(
                "{\"version\":1,\"group\":\"billing\",\"timeMs\":1764751200000,\"offsets\":["
                        + "{\"topic\":\"a.b\",\"partition\":0,\"offset\":0},"
                        + "{\"topic\":\"orders\",\"partition\":2,\"offset\":1042},"
                        + "{\"topic\":\"orders\",\"partition\":10,\"offset\":7}]}");
    }

    @Test
    void groupIdsOfAnyCharacterGetOneKeySegmentAndParseBack() {
        for (String group : List.of("a/b", "../..", ".", "with space+plus", "%41", "ünïcödé 日本", "@groups", "0")) {
            GroupSnapshot snapshot = new GroupSnapshot(group, 5, Map.of(new TopicPartition("t", 0), 1L));
            String key = layout.groupSnapshotKey(group, 5);

            assertThat(key.substring(layout.groupsPrefix().length()).split("/")).hasSize(2);
            assertThat(layout.parseGroupSnapshotKey(key)).contains(new ArchiveLayout.GroupSnapshotKey(key, group, 5));
            assertThat(GroupSnapshot.parse(key, snapshot.toBytes())).isEqualTo(snapshot);
            assertThat(layout.parseSegmentKey(key)).isEmpty();
        }
    }

    @Test
    void historyListsInTimeOrderAndAsOfPicksTheLatestAtOrBefore() {
        try (MemoryStore store = new MemoryStore("m")) {
            TopicPartition p = new TopicPartition("orders", 0);
            for (long time : new long[] {3000, 1000, 20_000}) {
                store.put(layout.groupSnapshotKey("g/1", time), new GroupSnapshot("g/1", time, Map.of(p, time / 10)).toBytes());
            }
            store.put(layout.groupSnapshotKey("g", 2000), new GroupSnapshot("g", 2000, Map.of(p, 1L)).toBytes());

            assertThat(layout.groups(store)).containsExactly("g", "g/1");
            assertThat(layout.groupSnapshots(store, "g/1")).extracting(ArchiveLayout.GroupSnapshotKey::timeMs)
                    .containsExactly(1000L, 3000L, 20_000L);
            assertThat(layout.groupSnapshotAsOf(store, "g/1", Long.MAX_VALUE).orElseThrow().timeMs()).isEqualTo(20_000);
            assertThat(layout.groupSnapshotAsOf(store, "g/1", 19_999).orElseThrow().committedOffsets()).containsEntry(p, 300L);
            assertThat(layout.groupSnapshotAsOf(store, "g/1", 999)).isEmpty();
            assertThat(layout.groupSnapshotAsOf(store, "absent", Long.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    void parseRejectsWhatIsNotExactlyASnapshotNamingTheKey() {
        String key = layout.groupSnapshotKey("g", 5);
        for (String bad : List.of(
                "",
                "not json",
                "[]",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":[]} trailing",
                "{\"version\":2,\"group\":\"g\",\"timeMs\":5,\"offsets\":[]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":[],\"extra\":1}",
                "{\"version\":1,\"group\":\"g\",\"group\":\"g\",\"timeMs\":5,\"offsets\":[]}",
                "{\"version\":1,\"group\":7,\"timeMs\":5,\"offsets\":[]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":\"5\",\"offsets\":[]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5.5,\"offsets\":[]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":99999999999999999999,\"offsets\":[]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":{}}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":[{\"topic\":\"t\",\"partition\":0}]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":[{\"topic\":\"a/b\",\"partition\":0,\"offset\":1}]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":[{\"topic\":\"t\",\"partition\":-1,\"offset\":1}]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":[{\"topic\":\"t\",\"partition\":0,\"offset\":-1}]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":5,\"offsets\":[{\"topic\":\"t\",\"partition\":0,\"offset\":1},"
                        + "{\"topic\":\"t\",\"partition\":0,\"offset\":2}]}",
                // well-formed, but of another group or time than the key says
                "{\"version\":1,\"group\":\"h\",\"timeMs\":5,\"offsets\":[]}",
                "{\"version\":1,\"group\":\"g\",\"timeMs\":6,\"offsets\":[]}")) {
            assertThatThrownBy(() -> GroupSnapshot.parse(key, bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(DataException.class).hasMessageContaining("'" + key + "'");
        }
    }

    @Test
    void rejectsWhatNoConsumerGroupHas() {
        assertThatThrownBy(() -> new GroupSnapshot("", 0, Map.of())).hasMessageContaining("empty");
        assertThatThrownBy(() -> new GroupSnapshot("g", -1, Map.of())).hasMessageContaining("negative");
        assertThatThrownBy(() -> new GroupSnapshot("g", 0, Map.of(new TopicPartition("t", 0), -1L)))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> layout.groupSnapshotKey("g".repeat(1100), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytes");
    }
}
