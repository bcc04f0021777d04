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
    void identicalPartitionsCompareClean() {
        var topic = Map.of(0, List.of(ORIGINAL, entry(null, null, 1L)), 1, List.of(entry(bytes("x"), null, 2L)));
        TopicComparison.Result result = TopicComparison.compare("a", topic, "b", topic);
        assertThat(result.identical()).isTrue();
        assertThat(result.records()).isEqualTo(3);
        assertThat(List.of(result.lost(), result.duplicated(), result.unexpected())).containsOnly(0L);
    }

    /** The chaos test reports loss and duplication as counts: a record is identified by all its bytes. */
    @Test
    void countsLostDuplicatedAndUnexpectedRecords() {
        TopicComparison.Entry a = entry(bytes("k"), bytes("a"), 1L);
        TopicComparison.Entry b = entry(bytes("k"), bytes("b"), 2L);
        TopicComparison.Entry c = entry(bytes("k"), bytes("c"), 3L);
        TopicComparison.Entry corruptC = entry(bytes("k"), bytes("C"), 3L);
        TopicComparison.Result result = TopicComparison.compare("orders", Map.of(0, List.of(a, b, c), 1, List.of(c)),
                "restored", Map.of(0, List.of(a, entry(bytes("k"), bytes("a"), 1L), c), 1, List.of(corruptC)));
        assertThat(result.lost()).as("b in partition 0, c in partition 1").isEqualTo(2);
        assertThat(result.duplicated()).as("a twice in partition 0").isEqualTo(1);
        assertThat(result.unexpected()).as("the corrupt copy of c").isEqualTo(1);
        assertThat(result.identical()).isFalse();
        assertThat(result.differences()).anySatisfy(d -> assertThat(d).contains("partition 0", "1 lost", "1 duplicated"));
    }

    @Test
    void aReorderingIsADifferenceThoughNothingIsLost() {
        TopicComparison.Entry a = entry(bytes("k"), bytes("a"), 1L);
        TopicComparison.Entry b = entry(bytes("k"), bytes("b"), 2L);
        TopicComparison.Result result = TopicComparison.compare("x", Map.of(0, List.of(a, b)), "y", Map.of(0, List.of(b, a)));
        assertThat(List.of(result.lost(), result.duplicated(), result.unexpected())).containsOnly(0L);
        assertThat(result.identical()).isFalse();
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
