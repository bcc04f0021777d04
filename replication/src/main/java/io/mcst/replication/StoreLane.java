package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreUnavailableException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One base store with its own bounded thread pool and queue, so a stalled or slow store ties up only its
 * own threads: once its queue is full, calls to it fail at once, which the quorum logic counts as "no
 * answer" from that store.
 */
final class StoreLane {
    private final int index;
    private final KeyValueStore store;
    private final ExecutorService executor;
    /** Calls not yet answered, so closing can end them all, also those stuck in a store that ignores interrupts. */
    private final Set<CompletableFuture<?>> unanswered = ConcurrentHashMap.newKeySet();

    StoreLane(int index, KeyValueStore store, ExecutorService executor) {
        this.index = index;
        this.store = requireNonNull(store, "store");
        this.executor = requireNonNull(executor, "executor");
    }

    /** The production executor of one store's calls: {@code threads} threads and a bounded queue. */
    static ExecutorService pool(KeyValueStore store, int threads, int queuedCalls) {
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queuedCalls),
                runnable -> {
                    Thread thread = new Thread(runnable, "mcst-replica-" + store.name() + "-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    int index() {
        return index;
    }

    String name() {
        return store.name();
    }

    KeyValueStore store() {
        return store;
    }

    /** Runs {@code call} on this store's pool; the future fails at once if the store's queue is full. */
    <T> CompletableFuture<T> call(Function<KeyValueStore, T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        unanswered.add(result);
        result.whenComplete((value, error) -> unanswered.remove(result));
        try {
            executor.execute(() -> {
                try {
                    result.complete(call.apply(store));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new StoreUnavailableException("store '" + store.name() + "': "
                    + (executor.isShutdown() ? "replicated store closed" : "too many calls pending (queue full)"), e));
        }
        return result;
    }

    /**
     * Stops the pool, interrupting calls in flight; they are abandoned, as a crashed client's would be, and
     * fail at once, so no operation waits for them.
     */
    void shutdown() {
        executor.shutdownNow();
        StoreUnavailableException closed = new StoreUnavailableException("store '" + store.name() + "': replicated store closed");
        for (CompletableFuture<?> call : Set.copyOf(unanswered)) {
            call.completeExceptionally(closed);
        }
    }
}
