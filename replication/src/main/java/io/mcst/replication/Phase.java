package io.mcst.replication;

import io.mcst.stores.StoreCorruptionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * One call sent to every store at once, with the answers gathered as they arrive. State is guarded by the
 * operation's monitor, which every answer notifies, so the caller can wait for whatever condition its
 * step needs (a quorum, the first value, a quorum of "absent") without waiting for any particular store.
 */
final class Phase<T> {
    private final Object monitor;
    private final List<StoreLane> lanes;
    private final List<CompletableFuture<T>> futures = new ArrayList<>();
    private final Object[] values;
    private final Throwable[] errors;
    private int successes;
    private int failures;

    Phase(Object monitor, List<StoreLane> lanes, Function<StoreLane, CompletableFuture<T>> call) {
        this.monitor = monitor;
        this.lanes = lanes;
        this.values = new Object[lanes.size()];
        this.errors = new Throwable[lanes.size()];
        for (StoreLane lane : lanes) {
            CompletableFuture<T> future = call.apply(lane);
            futures.add(future);
            future.whenComplete((value, error) -> record(lane.index(), value, error));
        }
    }

    private void record(int store, T value, Throwable error) {
        synchronized (monitor) {
            if (error != null) {
                errors[store] = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                failures++;
            } else {
                values[store] = value;
                successes++;
            }
            monitor.notifyAll();
        }
    }

    CompletableFuture<T> future(int store) {
        return futures.get(store);
    }

    int successes() {
        synchronized (monitor) {
            return successes;
        }
    }

    int failures() {
        synchronized (monitor) {
            return failures;
        }
    }

    /** How many stores answered with bytes that failed an integrity check. */
    int corruptions() {
        synchronized (monitor) {
            return (int) Arrays.stream(errors).filter(error -> error != null && isCorruption(error)).count();
        }
    }

    /** The answers so far, by store index; null where a store has not answered or failed. */
    @SuppressWarnings("unchecked")
    List<T> answers() {
        synchronized (monitor) {
            List<T> answers = new ArrayList<>(values.length);
            for (Object value : values) {
                answers.add((T) value);
            }
            return answers;
        }
    }

    static boolean isCorruption(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof StoreCorruptionException;
    }

    /** Why each store that did not answer usefully failed, e.g. {@code b: injected crash; c: no answer within PT2M}. */
    String failureReport(Duration waited) {
        synchronized (monitor) {
            StringBuilder report = new StringBuilder();
            for (StoreLane lane : lanes) {
                int i = lane.index();
                if (errors[i] != null) {
                    report.append(report.isEmpty() ? "" : "; ").append(lane.name()).append(": ")
                            .append(errors[i].getClass().getSimpleName()).append(": ").append(errors[i].getMessage());
                } else if (!futures.get(i).isDone()) {
                    report.append(report.isEmpty() ? "" : "; ").append(lane.name()).append(": no answer within ").append(waited);
                }
            }
            return report.toString();
        }
    }
}
