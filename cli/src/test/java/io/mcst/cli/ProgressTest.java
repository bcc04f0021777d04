package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final AtomicLong nanos = new AtomicLong();
    private final StringWriter out = new StringWriter();

    @Test
    void pipedProgressIsAPlainLineEveryFiveSecondsWithRateAndTimeLeft() {
        Progress progress = new Progress("exporting segments", 10, new PrintWriter(out, true), false, nanos::get);
        nanos.set(1_000_000_000L);
        progress.advance(1, 1024);
        assertThat(out.toString()).as("not before 5 s").isEmpty();
        nanos.set(5_000_000_000L);
        progress.advance(1, 1024);
        nanos.set(10_000_000_000L);
        progress.advance(3, 3 * 1024 * 1024);
        progress.finish();
        assertThat(out.toString().lines()).containsExactly(
                "exporting segments 2/10, 2.0 KiB, 409 B/s, 20s left",
                "exporting segments 5/10, 3.0 MiB, 307.4 KiB/s, 10s left",
                "exporting segments 5/10, 3.0 MiB, 307.4 KiB/s, 10s left");
    }

    @Test
    void onATerminalOneLineRewritesItselfAndEndsWithANewline() {
        Progress progress = new Progress("checking segments", 2, new PrintWriter(out, true), true, nanos::get);
        nanos.set(300_000_000L);
        progress.advance(1, 10);
        nanos.set(600_000_000L);
        progress.advance(1, 10);
        progress.finish();
        assertThat(out.toString()).startsWith("\rchecking segments 1/2, 10 B, 33 B/s, 0s left\u001b[K")
                .endsWith("\rchecking segments 2/2, 20 B, 33 B/s\u001b[K" + System.lineSeparator());
    }
}
