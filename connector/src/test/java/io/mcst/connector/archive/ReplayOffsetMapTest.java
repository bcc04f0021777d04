package io.mcst.connector.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ReplayOffsetMap.Builder.Change;
import io.mcst.connector.archive.ReplayOffsetMap.Run;
import io.mcst.connector.archive.ReplayOffsetMap.Unmapped;
import io.mcst.stores.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class ReplayOffsetMapTest {
    private static final TopicPartition ARCHIVED = new TopicPartition("orders", 3);
    private static final TopicPartition TARGET = new TopicPartition("orders-restored", 3);
    private final ArchiveLayout layout = new ArchiveLayout("team/archive");

    private static ReplayOffsetMap.Builder builder() {
        return new ReplayOffsetMap.Builder(ReplayOffsetMap.empty("restore", ARCHIVED, TARGET));
    }

    /** Archived 0..99 at 0..99; compaction removed archived 100..104; 105..124 at 100..119; a marker at 120; 125.. at 121.. */
    private static ReplayOffsetMap compactedAndTransactional() {
        ReplayOffsetMap.Builder builder = builder();
        for (long a = 0; a < 100; a++) {
            assertThat(builder.replayed(a, a)).isEqualTo(Change.APPENDED);
        }
        for (long a = 105; a < 125; a++) {
            builder.replayed(a, a - 5);
        }
        for (long a = 125; a < 130; a++) {
            builder.replayed(a, a - 4);
        }
        return builder.build();
    }

    @Test
    void contiguousOffsetsMakeOneRunPerStretch() {
        assertThat(compactedAndTransactional().entries())
                .containsExactly(new Run(0, 0, 100), new Run(105, 100, 20), new Run(125, 121, 5));
    }

    @Test
    void lookupAnswersWhereAConsumerResumesAcrossGaps() {
        ReplayOffsetMap map = compactedAndTransactional();

        assertThat(map.targetFor(0)).hasValue(0);
        assertThat(map.targetFor(42)).hasValue(42);
        assertThat(map.targetFor(99)).hasValue(99);
        // 100..104 were compacted away: the next record the consumer reads is archived 105, at target 100.
        for (long committed = 100; committed <= 105; committed++) {
            assertThat(map.targetFor(committed)).as("committed %d", committed).hasValue(100);
        }
        assertThat(map.targetFor(124)).hasValue(119);
        assertThat(map.targetFor(125)).hasValue(121); // past the marker at target 120
        assertThat(map.targetFor(129)).hasValue(125);
        // Everything replayed was consumed: resume after the last replayed record.
        assertThat(map.targetFor(130)).hasValue(126);
        assertThat(map.targetFor(Long.MAX_VALUE)).hasValue(126);
        assertThat(ReplayOffsetMap.empty("restore", ARCHIVED, TARGET).targetFor(0)).isEmpty();
    }

    @Test
    void aReplayStartingLateAnswersItsFirstRecordForEarlierPositions() {
        ReplayOffsetMap.Builder builder = builder();
        builder.replayed(500, 7);
        assertThat(builder.build().targetFor(0)).hasValue(7);
        assertThat(builder.build().targetFor(501)).hasValue(8);
    }

    @Test
    void roundTripsThroughItsJsonAndKey() {
        ReplayOffsetMap.Builder builder = new ReplayOffsetMap.Builder(compactedAndTransactional());
        builder.unmapped(130, 140, 0);
        builder.replayed(141, 140);
        ReplayOffsetMap map = builder.build();
        String key = layout.replayMapKey("restore/orders 1", ARCHIVED);

        assertThat(key).isEqualTo("team/archive/@replays/restore%2Forders+1/orders/3.json");
        assertThat(layout.parseReplayMapKey(key)).contains(new ArchiveLayout.ReplayMapKey(key, "restore/orders 1", ARCHIVED));
        ReplayOffsetMap renamed = new ReplayOffsetMap("restore/orders 1", ARCHIVED, TARGET, map.entries());
        assertThat(ReplayOffsetMap.parse(key, renamed.toBytes())).isEqualTo(renamed);
        assertThat(new String(map.toBytes(), StandardCharsets.UTF_8).replaceAll("\\s", "")).isEqualTo(
                "{\"version\":1,\"replay\":\"restore\",\"archived\":{\"topic\":\"orders\",\"partition\":3},"
                        + "\"target\":{\"topic\":\"orders-restored\",\"partition\":3},"
                        + "\"runs\":[[0,0,100],[105,100,20],[125,121,5],[141,140,1]],\"unmapped\":[[130,140,126]]}");
    }

    @Test
    void anUnmappedRangeAnswersItsLowestPossibleTarget() {
        // After a crash the map had 0..9 but the replay resumed after 20: 10..20 went to targets 10..20 unrecorded.
        ReplayOffsetMap.Builder builder = builder();
        for (long a = 0; a < 10; a++) {
            builder.replayed(a, a);
        }
        builder.unmapped(10, 20, 0);
        builder.replayed(21, 21);
        ReplayOffsetMap map = builder.build();

        assertThat(map.entries()).containsExactly(new Run(0, 0, 10), new Unmapped(10, 20, 10), new Run(21, 21, 1));
        assertThat(map.targetFor(9)).hasValue(9);
        assertThat(map.targetFor(15)).hasValue(10); // may read 10..14 again, misses nothing
        assertThat(map.targetFor(21)).hasValue(21);
        assertThat(map.targetFor(22)).hasValue(22);
    }

    @Test
    void recordsReplayedAgainReplaceTheMappingFromTheirOffsetOn() {
        ReplayOffsetMap.Builder builder = builder();
        for (long a = 0; a < 10; a++) {
            builder.replayed(a, a);
        }
        // Restart: the replay resumes after archived 5 and writes 6.. again, at targets 10..
        assertThat(builder.replayed(6, 10)).isEqualTo(Change.REWOUND);
        builder.replayed(7, 11);

        ReplayOffsetMap map = builder.build();
        assertThat(map.entries()).containsExactly(new Run(0, 0, 6), new Run(6, 10, 2));
        assertThat(map.targetFor(6)).hasValue(10);
        assertThat(map.targetFor(8)).hasValue(12);
    }

    @Test
    void aTargetOffsetThatGoesBackRestartsTheMap() {
        ReplayOffsetMap.Builder builder = builder();
        builder.replayed(0, 50);
        builder.replayed(1, 51);
        assertThat(builder.replayed(2, 0)).isEqualTo(Change.RESTARTED);
        assertThat(builder.build().entries()).containsExactly(new Run(2, 0, 1));
    }

    @Test
    void parseRejectsWhatIsNotExactlyAMapNamingTheKey() {
        String key = layout.replayMapKey("restore", ARCHIVED);
        String head = "{\"version\":1,\"replay\":\"restore\",\"archived\":{\"topic\":\"orders\",\"partition\":3},"
                + "\"target\":{\"topic\":\"orders-restored\",\"partition\":3},";
        assertThat(ReplayOffsetMap.parse(key, (head + "\"runs\":[],\"unmapped\":[]}").getBytes()).entries()).isEmpty();
        for (String bad : List.of(
                "{}",
                "null",
                head + "\"runs\":[]}",
                head + "\"runs\":[],\"unmapped\":[],\"x\":0}",
                head + "\"runs\":[[0,0]],\"unmapped\":[]}",
                head + "\"runs\":[[0,0,0]],\"unmapped\":[]}",
                head + "\"runs\":[[0,-1,1]],\"unmapped\":[]}",
                head + "\"runs\":[[0,0,\"1\"]],\"unmapped\":[]}",
                head + "\"runs\":[[0,0,10],[5,20,1]],\"unmapped\":[]}",
                head + "\"runs\":[[0,10,10],[20,15,1]],\"unmapped\":[]}",
                head + "\"runs\":[[0,0,10]],\"unmapped\":[[5,12,10]]}",
                head + "\"runs\":[],\"unmapped\":[[5,4,10]]}",
                head.replace("\"partition\":3}", "\"partition\":3,\"leader\":1}") + "\"runs\":[],\"unmapped\":[]}",
                head.replace("\"orders-restored\"", "\"a/b\"") + "\"runs\":[],\"unmapped\":[]}",
                head.replace("\"restore\"", "\"other\"") + "\"runs\":[],\"unmapped\":[]}",
                head.replace("\"topic\":\"orders\",\"partition\":3", "\"topic\":\"orders\",\"partition\":4")
                        + "\"runs\":[],\"unmapped\":[]}")) {
            assertThatThrownBy(() -> ReplayOffsetMap.parse(key, bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(DataException.class).hasMessageContaining("'" + key + "'");
        }
    }

    @Test
    void listsReplaysAndTheirPartitionsAndReadsMapsBack() {
        try (MemoryStore store = new MemoryStore("m")) {
            ReplayOffsetMap map = compactedAndTransactional();
            store.put(layout.replayMapKey("restore", ARCHIVED), map.toBytes());
            TopicPartition other = new TopicPartition("_replays", 0);
            store.put(layout.replayMapKey("restore", other), ReplayOffsetMap.empty("restore", other, other).toBytes());
            store.put(layout.replayMapKey("b", ARCHIVED), ReplayOffsetMap.empty("b", ARCHIVED, TARGET).toBytes());

            assertThat(layout.replays(store)).containsExactly("b", "restore");
            assertThat(layout.replayedPartitions(store, "restore")).containsExactly(other, ARCHIVED);
            assertThat(layout.replayMap(store, "restore", ARCHIVED)).contains(map);
            assertThat(layout.replayMap(store, "restore", TARGET)).isEmpty();
            assertThat(layout.partitions(store)).isEmpty();
        }
    }

    @Test
    void lookupOfANegativeOffsetIsAnError() {
        assertThatThrownBy(() -> compactedAndTransactional().targetFor(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(compactedAndTransactional().lastArchivedOffset()).isEqualTo(OptionalLong.of(129));
    }
}
