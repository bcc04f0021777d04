package io.mcst.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Progress of a long operation on stderr: segments (or keys) done of total, bytes, rate and time left. On a
 * terminal one line rewrites itself a few times a second; piped, a plain line every few seconds, so logs
 * stay readable. Not thread-safe: the command's thread reports.
 */
final class Progress {
    private static final long TERMINAL_EVERY_NANOS = Duration.ofMillis(200).toNanos();
    private static final long PIPED_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final String what;
    private final long total;
    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final long started;
    private long done;
    private long bytes;
    private long lastShown;
    private boolean shownOnTerminal;

    Progress(String what, long total, PrintWriter out, boolean terminal, LongSupplier nanos) {
        this.what = what;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.lastShown = started;
    }

    /** Starts the progress of one long operation. */
    interface Factory {
        Progress start(String what, long total);

        /** Progress on {@code out}, rewriting its line when the tool runs on a terminal. */
        static Factory on(PrintWriter out) {
            boolean terminal = System.console() != null;
            return (what, total) -> new Progress(what, total, out, terminal, System::nanoTime);
        }
    }

    void advance(long units, long moreBytes) {
        done += units;
        bytes += moreBytes;
        long now = nanos.getAsLong();
        if (now - lastShown >= (terminal ? TERMINAL_EVERY_NANOS : PIPED_EVERY_NANOS)) {
            lastShown = now;
            show(now);
        }
    }

    /** Shows the final figures and ends the terminal line. */
    void finish() {
        long now = nanos.getAsLong();
        if (terminal || now - started >= PIPED_EVERY_NANOS) {
            show(now);
        }
        if (shownOnTerminal) {
            out.println();
        }
    }

    private void show(long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        String eta = done == 0 || done >= total ? "" : ", " + duration((long) ((total - done) / rate)) + " left";
        String line = "%s %d/%d, %s, %s/s%s".formatted(what, done, total, size(bytes), size((long) (bytes / seconds)), eta);
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            shownOnTerminal = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return "%.1f %s".formatted(value, units[unit]);
    }

    private static String duration(long seconds) {
        return seconds >= 3600 ? "%dh%02dm".formatted(seconds / 3600, seconds % 3600 / 60)
                : seconds >= 60 ? "%dm%02ds".formatted(seconds / 60, seconds % 60) : seconds + "s";
    }
}
