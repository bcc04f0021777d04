package io.mcst.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
    @Test
    void nearestRankPercentilesOfUnsortedInput() {
        // 1..1000 ms, shuffled by a stride
        long[] nanos = LongStream.range(0, 1000).map(i -> ((i * 7919) % 1000 + 1) * 1_000_000).toArray();
        LatencySummary summary = LatencySummary.of(nanos);
        assertThat(summary).isEqualTo(new LatencySummary(1000, 500, 990, 1000));
    }

    @Test
    void oneSampleIsEveryPercentile() {
        assertThat(LatencySummary.of(new long[] {3_000_000})).isEqualTo(new LatencySummary(1, 3, 3, 3));
    }

    @Test
    void noSamplesHaveNoPercentiles() {
        assertThat(LatencySummary.of(new long[0]).p99Millis()).isNaN();
    }
}
