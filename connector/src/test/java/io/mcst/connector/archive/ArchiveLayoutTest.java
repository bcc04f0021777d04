package io.mcst.connector.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.memory.MemoryStore;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ArchiveLayoutTest {
    private final ArchiveLayout layout = new ArchiveLayout("team/archive");

    @Test
    void segmentKeysPadTheFirstOffsetToTwentyDigits() {
        assertThat(layout.segmentKey(new TopicPartition("orders", 3), 42, "envelope.avro"))
                .isEqualTo("team/archive/orders/3/00000000000000000042.envelope.avro");
        assertThat(layout.segmentKey(new TopicPartition("orders", 0), Long.MAX_VALUE, "bin"))
                .isEqualTo("team/archive/orders/0/09223372036854775807.bin");
        assertThat(layout.indexKey(new TopicPartition("orders", 3))).isEqualTo("team/archive/orders/3/index");
    }

    @Test
    void keysParseBackWhateverCharactersTheTopicUses() {
        for (String topic : List.of("a", "my.topic", "my_topic-1", "...", "x.envelope.avro", "00000000000000000001.bin")) {
            TopicPartition partition = new TopicPartition(topic, 17);
            String key = layout.segmentKey(partition, 123_456, "envelope.avro");
            assertThat(layout.parseSegmentKey(key))
                    .contains(new SegmentKey(key, partition, 123_456, "envelope.avro"));
        }
    }

    @Test
    void otherKeysAreNotSegments() {
        assertThat(layout.parseSegmentKey("team/archive/orders/3/index")).isEmpty();
        assertThat(layout.parseSegmentKey("other/orders/3/00000000000000000042.bin")).isEmpty();
        assertThat(layout.parseSegmentKey("team/archive/orders/x/00000000000000000042.bin")).isEmpty();
        assertThat(layout.parseSegmentKey("team/archive/orders/3/42.bin")).isEmpty();
        assertThat(layout.parseSegmentKey("team/archive/orders/3/99999999999999999999.bin")).isEmpty();
        assertThat(layout.parseSegmentKey("team/archive/a/b/3/00000000000000000042.bin")).isEmpty();
    }

    @Test
    void listsAPartitionsSegmentsInOffsetOrderAndNothingElse() {
        try (MemoryStore store = new MemoryStore("m")) {
            TopicPartition p = new TopicPartition("t", 1);
            for (long offset : new long[] {100, 9, 10, 0}) {
                store.put(layout.segmentKey(p, offset, "bin"), new byte[0]);
            }
            store.put(layout.indexKey(p), new byte[0]);
            store.put(layout.segmentKey(new TopicPartition("t", 10), 5, "bin"), new byte[0]);
            store.put(layout.segmentKey(new TopicPartition("t.x", 1), 5, "bin"), new byte[0]);

            assertThat(layout.segments(store, p)).extracting(SegmentKey::firstOffset).containsExactly(0L, 9L, 10L, 100L);
            assertThat(layout.partitions(store, "t"))
                    .containsExactly(new TopicPartition("t", 1), new TopicPartition("t", 10));
            assertThat(layout.partitions(store)).containsExactly(
                    new TopicPartition("t", 1), new TopicPartition("t", 10), new TopicPartition("t.x", 1));
        }
    }

    @Test
    void theSchemaDirectoryIsNoTopicsAndATopicNamedSchemasHoldsOnlyItsPartitions() {
        try (MemoryStore store = new MemoryStore("m")) {
            TopicPartition schemasTopic = new TopicPartition("_schemas", 0); // Schema Registry's storage topic
            store.put(layout.segmentKey(schemasTopic, 0, "bin"), new byte[0]);
            store.put(layout.indexKey(schemasTopic), new byte[0]);
            store.put(layout.schemaKey(0), new byte[0]);
            store.put(layout.schemaKey(7), new byte[0]);

            assertThat(layout.schemaKey(7)).isEqualTo("team/archive/@schemas/7.json");
            assertThatThrownBy(() -> layout.topicPrefix(ArchiveLayout.SCHEMAS_DIRECTORY))
                    .as("no topic can be named like the schema directory").isInstanceOf(IllegalArgumentException.class);
            assertThat(store.list(layout.topicPrefix("_schemas")))
                    .containsExactlyInAnyOrder(layout.segmentKey(schemasTopic, 0, "bin"), layout.indexKey(schemasTopic));
            assertThat(layout.partitions(store)).containsExactly(schemasTopic);
            assertThat(layout.parseSegmentKey(layout.schemaKey(7))).isEmpty();
            assertThat(layout.schemaKeys(store)).isEqualTo(Map.of(0, layout.schemaKey(0), 7, layout.schemaKey(7)));
        }
    }

    @Test
    void reservedDirectoriesAreNeverTopicsAndTopicsNamedLikeThemStayTopics() {
        try (MemoryStore store = new MemoryStore("m")) {
            // Topics may start with '_' (e.g. _schemas, __consumer_offsets): they keep their plain directories.
            List<TopicPartition> topics = List.of(new TopicPartition("_groups", 0), new TopicPartition("_replays", 7),
                    new TopicPartition("__consumer_offsets", 1));
            for (TopicPartition p : topics) {
                store.put(layout.segmentKey(p, 1, "json"), new byte[0]);
                store.put(layout.indexKey(p), new byte[0]);
            }
            // Group "0" at time 1 would be a segment key of topic _groups if the directory were named "_groups".
            store.put(layout.groupSnapshotKey("0", 1), new GroupSnapshot("0", 1, java.util.Map.of()).toBytes());
            TopicPartition archived = new TopicPartition("_groups", 0);
            store.put(layout.replayMapKey("0", archived), ReplayOffsetMap.empty("0", archived, archived).toBytes());

            assertThat(layout.partitions(store)).containsExactlyInAnyOrderElementsOf(topics);
            assertThat(layout.groups(store)).containsExactly("0");
            assertThat(layout.groupSnapshots(store, "0")).hasSize(1);
            assertThat(layout.replays(store)).containsExactly("0");
            assertThat(layout.groupsPrefix()).isEqualTo("team/archive/" + ArchiveLayout.GROUPS_DIRECTORY + "/");
            for (String reserved : List.of(ArchiveLayout.GROUPS_DIRECTORY, ArchiveLayout.REPLAYS_DIRECTORY)) {
                assertThatThrownBy(() -> layout.topicPrefix(reserved)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void rejectsPrefixesThatWouldNotParseBack() {
        for (String prefix : List.of("", "/a", "a/", "a//b")) {
            assertThatThrownBy(() -> new ArchiveLayout(prefix)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefix");
        }
        assertThatThrownBy(() -> layout.topicPrefix("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void indexRegisterRoundTripsAndRejectsGarbage() {
        PartitionIndex index = new PartitionIndex(99, layout.segmentKey(new TopicPartition("t", 0), 50, "bin"));
        assertThat(PartitionIndex.parse("k", index.toBytes())).isEqualTo(index);
        assertThatThrownBy(() -> PartitionIndex.parse("the/key", "2\n5\nx\n".getBytes()))
                .hasMessageContaining("the/key");
        assertThatThrownBy(() -> PartitionIndex.parse("the/key", "1\n5\n".getBytes()))
                .hasMessageContaining("the/key");
        assertThatThrownBy(() -> PartitionIndex.parse("the/key", "1\nfive\nx\n".getBytes()))
                .hasMessageContaining("the/key");
    }

    @Test
    void summaryKeysParseBackAndAreNeverSegmentsAndDuplicatesMergeToTheirUnion() {
        TopicPartition partition = new TopicPartition("orders", 3);
        SegmentSummary timed = new SegmentSummary(partition, 42, 99, 58, 4096, OptionalLong.of(-5), OptionalLong.of(1_700_000_000_000L));
        SegmentSummary untimed = new SegmentSummary(partition, 100, 100, 1, 10, OptionalLong.empty(), OptionalLong.empty());
        String key = layout.summaryKey(timed);
        assertThat(key).isEqualTo("team/archive/orders/3/summary/00000000000000000042_00000000000000000099_58_4096_-5_1700000000000");
        assertThat(layout.parseSummaryKey(partition, key)).contains(timed);
        assertThat(layout.parseSummaryKey(partition, layout.summaryKey(untimed))).contains(untimed);
        assertThat(layout.parseSegmentKey(key)).isEmpty();
        assertThat(layout.parseSummaryKey(new TopicPartition("orders", 4), key)).isEmpty();
        assertThat(key).startsWith(layout.summaryPrefix(partition, 42));

        MemoryStore store = new MemoryStore("m");
        store.put(layout.segmentKey(partition, 42, "bin"), new byte[1]);
        store.put(key, new byte[0]);
        // The same segment rewritten after a crash with fewer records and a later record: the union stands.
        store.put(layout.summaryKey(new SegmentSummary(partition, 42, 60, 19, 100, OptionalLong.of(0), OptionalLong.of(1_800_000_000_000L))),
                new byte[0]);
        ArchiveLayout.PartitionListing listing = layout.listPartition(store, partition);
        assertThat(listing.segments()).extracting(SegmentKey::firstOffset).containsExactly(42L);
        assertThat(listing.summary(listing.segments().get(0))).contains(new SegmentSummary(partition, 42, 99, 58, 4096,
                OptionalLong.of(-5), OptionalLong.of(1_800_000_000_000L)));
        assertThat(timed.mayHoldTimesIn(1_700_000_000_000L, Long.MAX_VALUE)).isTrue();
        assertThat(timed.mayHoldTimesIn(1_700_000_000_001L, Long.MAX_VALUE)).isFalse();
        assertThat(timed.mayHoldTimesIn(Long.MIN_VALUE, -5)).isFalse();
        assertThat(untimed.mayHoldTimesIn(0, 1)).isTrue();
    }
}
