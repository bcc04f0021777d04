package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load: {@code threads} callers each run an operation back to back for a fixed time, and every
 * call's latency is kept (no sampling, so p99 is exact).
 */
public final class LoadRunner {
    /** One call of the measured operation; returns the value bytes it moved. */
    @FunctionalInterface
    public interface Operation {
        long call(int thread, long iteration) throws Exception;
    }

    /** What one run measured. */
    public record Result(long ops, long errors, String firstError, long bytes, Duration elapsed, LatencySummary latency) {
        public double opsPerSecond() {
            return ops / seconds();
        }

        public double mebibytesPerSecond() {
            return bytes / (1024.0 * 1024.0) / seconds();
        }

        private double seconds() {
            return elapsed.toNanos() / 1e9;
        }
    }

    private LoadRunner() {}

    public static Result run(int threads, Duration duration, Operation operation) {
        requireNonNull(operation, "operation");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Future<Caller>> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            callers.add(pool.submit(() -> new Caller(thread).runUntil(deadline, operation)));
        }
        List<Caller> done = new ArrayList<>();
        try {
            for (Future<Caller> caller : callers) {
                done.add(caller.get());
            }
        } catch (Exception e) {
            throw new IllegalStateException("load run failed", e);
        } finally {
            pool.shutdownNow();
        }
        long elapsed = System.nanoTime() - start;
        long[] all = done.stream().flatMapToLong(c -> Arrays.stream(c.latencies, 0, c.ops)).toArray();
        long errors = done.stream().mapToLong(c -> c.errors).sum();
        String firstError = done.stream().map(c -> c.firstError).filter(e -> e != null).findFirst().orElse(null);
        long bytes = done.stream().mapToLong(c -> c.bytes).sum();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(all.length, errors, firstError, bytes, Duration.ofNanos(elapsed), LatencySummary.of(all));
    }

    /** One caller's loop and what it saw; read only after its future completed. */
    private static final class Caller {
        private final int thread;
        private long[] latencies = new long[1024];
        private int ops;
        private long errors;
        private long bytes;
        private String firstError;

        Caller(int thread) {
            this.thread = thread;
        }

        /** Calls {@code operation} until {@code deadline}, and at least once. */
        Caller runUntil(long deadline, Operation operation) {
            for (long i = 0; i == 0 || System.nanoTime() < deadline; i++) {
                long begin = System.nanoTime();
                try {
                    long moved = operation.call(thread, i);
                    record(System.nanoTime() - begin);
                    bytes += moved;
                } catch (Exception e) {
                    errors++;
                    if (firstError == null) {
                        firstError = e.toString();
                    }
                }
            }
            return this;
        }

        private void record(long nanos) {
            if (ops == latencies.length) {
                latencies = Arrays.copyOf(latencies, ops * 2);
            }
            latencies[ops++] = nanos;
        }
    }
}
