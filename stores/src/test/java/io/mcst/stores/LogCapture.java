package io.mcst.stores;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the tests' logger (slf4j-simple, which looks up {@code System.err} on every line) prints while an
 * action runs, so a test can assert what an operator would read. Not for parallel tests: it swaps the
 * process's stderr.
 */
public final class LogCapture {
    private LogCapture() {}

    /** Runs {@code action} and returns the log lines it printed (they are also passed on to stderr). */
    public static synchronized String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }
}
