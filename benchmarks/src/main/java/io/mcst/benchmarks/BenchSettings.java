package io.mcst.benchmarks;

import java.time.Duration;

/**
 * How long each measurement runs. {@code quick} shortens every run to a smoke test of the harness: its
 * figures are noisy and not for RESULTS.md.
 */
public record BenchSettings(boolean quick, Duration measurement) {
    public static BenchSettings full() {
        return new BenchSettings(false, Duration.ofSeconds(4));
    }

    public static BenchSettings quickRun() {
        return new BenchSettings(true, Duration.ofMillis(800));
    }
}
