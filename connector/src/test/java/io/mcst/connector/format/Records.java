package io.mcst.connector.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/** Byte-exact comparison of what was archived with what was read back. */
final class Records {
    private Records() {}

    static void assertSameBytes(ArchivedRecord actual, SinkRecord expected) {
        assertThat(actual.partition().topic()).isEqualTo(expected.topic());
        assertThat(actual.partition().partition()).isEqualTo(expected.kafkaPartition());
        assertThat(actual.offset()).isEqualTo(expected.kafkaOffset());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.timestampType()).isEqualTo(expected.timestampType());
        assertThat((byte[]) actual.key().value()).isEqualTo((byte[]) expected.key());
        assertThat((byte[]) actual.value().value()).isEqualTo((byte[]) expected.value());
        List<Header> expectedHeaders = new ArrayList<>();
        expected.headers().forEach(expectedHeaders::add);
        assertThat(actual.headers()).hasSameSizeAs(expectedHeaders);
        for (int i = 0; i < expectedHeaders.size(); i++) {
            assertThat(actual.headers().get(i).key()).isEqualTo(expectedHeaders.get(i).key());
            assertThat((byte[]) actual.headers().get(i).value()).isEqualTo((byte[]) expectedHeaders.get(i).value());
        }
    }
}
