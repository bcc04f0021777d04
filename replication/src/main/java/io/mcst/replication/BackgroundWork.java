package io.mcst.replication;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Counts work that runs after an operation returned (late answers, GC, repair), so tests can wait for it. */
final class BackgroundWork {
    private int pending;

    <T> CompletableFuture<T> track(CompletableFuture<T> work) {
        synchronized (this) {
            pending++;
        }
        work.whenComplete((value, error) -> {
            synchronized (this) {
                pending--;
                notifyAll();
            }
        });
        return work;
    }

    /** True once nothing tracked is pending; false if {@code timeout} passed first (e.g. a store is stalled). */
    synchronized boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
