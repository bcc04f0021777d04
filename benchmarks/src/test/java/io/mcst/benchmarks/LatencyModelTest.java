package io.mcst.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mcst.benchmarks.LatencyModel.Op;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyModelTest {
    private static final int SAMPLES = 20_001;

    @Test
    void drawsTheConfiguredMedianAndALongTail() {
        LatencyModel model = LatencyModel.cloudRegion();
        long[] puts = samples(model, Op.PUT, 0);
        LatencySummary summary = LatencySummary.of(puts);
        assertThat(summary.p50Millis()).isCloseTo(40, within(2.0));
        // lognormal, sigma 0.5: p99 = median * e^(0.5 * 2.326) = 3.2 x median
        assertThat(summary.p99Millis()).isCloseTo(40 * Math.exp(0.5 * 2.326), within(12.0));
        assertThat(LatencySummary.of(samples(model, Op.LIST, 0)).p50Millis()).isCloseTo(60, within(3.0));
    }

    @Test
    void addsTheTransferTimeOfTheValueBytes() {
        LatencyModel model = new LatencyModel(40, 25, 60, 30, 0, 1024 * 1024);
        assertThat(model.sampleNanos(Op.GET, 2 * 1024 * 1024, new Random(1))).isEqualTo(2_025_000_000L);
    }

    @Test
    void slowerByScalesMediansAndBandwidth() {
        LatencyModel slow = new LatencyModel(40, 25, 60, 30, 0, 1000).slowerBy(10);
        assertThat(slow).isEqualTo(new LatencyModel(400, 250, 600, 300, 0, 100));
        assertThatThrownBy(() -> slow.slowerBy(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRoundEndsWithTheQuorumthFastestStoreAndEachStoreWithItsSlowestCall() {
        LatencyModel fixed = new LatencyModel(40, 25, 60, 30, 0, Double.MAX_VALUE);
        assertThat(fixed.quorumRoundsNanos(3, 2, List.of(List.of(Op.LIST, Op.GET), List.of(Op.PUT)), 0, new Random(1)))
                .isEqualTo(100_000_000L);
        LatencyModel model = LatencyModel.cloudRegion();
        Random random = new Random(3);
        long[] fastest = new long[SAMPLES];
        long[] middle = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            fastest[i] = model.quorumRoundsNanos(3, 1, List.of(List.of(Op.LIST)), 0, random);
            middle[i] = model.quorumRoundsNanos(3, 2, List.of(List.of(Op.LIST)), 0, random);
        }
        // the middle of three draws of a lognormal has the lognormal's median; the fastest is well below it
        assertThat(LatencySummary.of(middle).p50Millis()).isCloseTo(60, within(3.0));
        assertThat(LatencySummary.of(fastest).p50Millis()).isLessThan(50);
        assertThatThrownBy(() -> model.quorumRoundsNanos(3, 4, List.of(), 0, random)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noneAddsNothing() {
        assertThat(LatencyModel.none().sampleNanos(Op.PUT, 16 << 20, new Random(1))).isZero();
    }

    @Test
    void aSeedGivesTheSameDraws() {
        LatencyModel model = LatencyModel.cloudRegion();
        assertThat(samples(model, Op.GET, 7)).isEqualTo(samples(model, Op.GET, 7));
    }

    private static long[] samples(LatencyModel model, Op op, long seed) {
        Random random = new Random(seed);
        long[] nanos = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            nanos[i] = model.sampleNanos(op, 0, random);
        }
        return nanos;
    }
}
