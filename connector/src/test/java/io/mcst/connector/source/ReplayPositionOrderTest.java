package io.mcst.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

/** Connect looks stored source offsets up by the partition's serialized bytes: they must not vary. */
class ReplayPositionOrderTest {
    private static final TopicPartition ORDERS_3 = new TopicPartition("orders", 3);
    private static final TopicPartition ORDERS_4 = new TopicPartition("orders", 4);

    @Test
    void theSourcePartitionSerializesTopicFirstThenPartition() {
        assertThat(serialized(ReplayPosition.sourcePartition("orders", 3)))
                .isEqualTo("[\"replay\",{\"topic\":\"orders\",\"partition\":3}]");
    }

    @Test
    void aPositionAnEarlierBuildStoredPartitionFirstIsFound() {
        ByBytesReader reader = new ByBytesReader();
        reader.store(ReplayPosition.partitionFirst("orders", 3), new ReplayPosition(100, 5, 105).toSourceOffset());
        assertThat(reader.offset(ReplayPosition.sourcePartition("orders", 3)))
                .as("Connect finds an offset only under the bytes it was stored with").isNull();

        assertThat(ReplayPosition.stored(reader, List.of(ORDERS_3, ORDERS_4)))
                .isEqualTo(Map.of(ORDERS_3, new ReplayPosition(100, 5, 105)));
    }

    @Test
    void underBothOrdersTheFurthestPositionWins() {
        ByBytesReader reader = new ByBytesReader();
        // Partition 3: an earlier build's JVM got further under the old order; partition 4: this build's is further.
        reader.store(ReplayPosition.sourcePartition("orders", 3), new ReplayPosition(100, 5, 105).toSourceOffset());
        reader.store(ReplayPosition.partitionFirst("orders", 3), new ReplayPosition(200, 0, 200).toSourceOffset());
        reader.store(ReplayPosition.sourcePartition("orders", 4), new ReplayPosition(300, 2, 302).toSourceOffset());
        reader.store(ReplayPosition.partitionFirst("orders", 4), new ReplayPosition(300, 1, 301).toSourceOffset());

        assertThat(ReplayPosition.stored(reader, List.of(ORDERS_3, ORDERS_4))).isEqualTo(Map.of(
                ORDERS_3, new ReplayPosition(200, 0, 200), ORDERS_4, new ReplayPosition(300, 2, 302)));
    }

    private static String serialized(Map<String, ?> sourcePartition) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), true);
        byte[] bytes = converter.fromConnectData("offsets", null, List.of("replay", sourcePartition));
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Stores and finds offsets as Connect's offset storage does: by the serialized bytes of the partition. */
    private static final class ByBytesReader implements OffsetStorageReader {
        private final Map<String, Map<String, Object>> stored = new HashMap<>();

        void store(Map<String, Object> partition, Map<String, Object> offset) {
            stored.put(serialized(partition), offset);
        }

        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return stored.get(serialized(partition));
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
            for (Map<String, T> partition : partitions) {
                Map<String, Object> offset = offset(partition);
                if (offset != null) {
                    found.put(partition, offset);
                }
            }
            return found;
        }
    }
}
