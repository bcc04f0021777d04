package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's verdict rests on {@link TopicComparison.Entry#sameAs}: every field must count, byte for byte. */
class TopicComparisonTest {
    private static final TopicComparison.Entry ORIGINAL = entry(bytes("k"), bytes("v"), 42L, header("h", "1"), header("h", "2"));

    @Test
    void anEqualCopyIsTheSame() {
        assertThat(ORIGINAL.sameAs(entry(bytes("k"), bytes("v"), 42L, header("h", "1"), header("h", "2")))).isTrue();
        assertThat(entry(null, null, 0L).sameAs(entry(null, null, 0L))).isTrue();
    }

    @Test
    void everyFieldCounts() {
        assertThat(ORIGINAL.sameAs(entry(bytes("K"), bytes("v"), 42L, header("h", "1"), header("h", "2")))).as("key").isFalse();
        assertThat(ORIGINAL.sameAs(entry(bytes("k"), bytes("w"), 42L, header("h", "1"), header("h", "2")))).as("value").isFalse();
        assertThat(ORIGINAL.sameAs(entry(bytes("k"), bytes("v"), 43L, header("h", "1"), header("h", "2")))).as("timestamp").isFalse();
        assertThat(ORIGINAL.sameAs(entry(bytes("k"), bytes("v"), 42L, header("h", "2"), header("h", "1")))).as("header order").isFalse();
        assertThat(ORIGINAL.sameAs(entry(bytes("k"), bytes("v"), 42L, header("h", "1")))).as("a header lost").isFalse();
        assertThat(ORIGINAL.sameAs(entry(bytes("k"), bytes("v"), 42L, header("h", "1"), header("g", "2")))).as("header name").isFalse();
    }

    @Test
    void nullIsNotEmpty() {
        assertThat(entry(null, bytes(""), 0L).sameAs(entry(bytes(""), bytes(""), 0L))).as("null key vs empty key").isFalse();
        assertThat(entry(null, null, 0L).sameAs(entry(null, bytes(""), 0L))).as("tombstone vs empty value").isFalse();
        assertThat(entry(null, null, 0L, header("h", null)).sameAs(entry(null, null, 0L, header("h", "")))).as("null header").isFalse();
    }

    @Test
    void theSampleDataHasEveryCaseAByteExactArchiveMustKeep() {
        var records = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> SampleRecords.record("t", 3, i)).toList();
        assertThat(records).anyMatch(r -> r.key() == null).anyMatch(r -> r.value() == null)
                .anyMatch(r -> r.value() != null && r.value().length == 0)
                .anyMatch(r -> r.headers().toArray().length == 0)
                .anyMatch(r -> java.util.Arrays.stream(r.headers().toArray()).anyMatch(h -> h.value() == null))
                .anyMatch(r -> java.util.Arrays.stream(r.headers().toArray()).filter(h -> h.key().equals("tag")).count() == 2);
        assertThat(records).extracting(r -> r.partition()).containsOnly(0, 1, 2);
        assertThat(SampleRecords.record("t", 3, 7).value()).isEqualTo(SampleRecords.record("t", 3, 7).value());
    }

    @SafeVarargs
    private static TopicComparison.Entry entry(byte[] key, byte[] value, long timestamp, Map.Entry<String, byte[]>... headers) {
        List<Map.Entry<String, byte[]>> list = new java.util.ArrayList<>();
        for (Map.Entry<String, byte[]> header : headers) {
            list.add(header);
        }
        return new TopicComparison.Entry(key, value, list, timestamp);
    }

    private static Map.Entry<String, byte[]> header(String name, String value) {
        return new SimpleImmutableEntry<>(name, value == null ? null : bytes(value));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
