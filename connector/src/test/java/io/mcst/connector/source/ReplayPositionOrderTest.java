package io.mcst.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** Connect looks stored source offsets up by the partition's serialized bytes: they must not vary. */
class ReplayPositionOrderTest {
    @Test
    void theSourcePartitionSerializesTopicFirstThenPartition() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), true);
        byte[] bytes = converter.fromConnectData("offsets", null,
                List.of("replay", ReplayPosition.sourcePartition("orders", 3)));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("[\"replay\",{\"topic\":\"orders\",\"partition\":3}]");
    }
}
