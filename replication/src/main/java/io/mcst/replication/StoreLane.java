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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One base store with its own bounded thread pool and queue, so a stalled or slow store ties up only its
 * own threads: once its queue is full, or the put payloads it holds (queued or in flight) would exceed its
 * byte bound, calls to it fail at once, which the quorum logic counts as "no answer" from that store. So a
 * stalled store pins at most its byte bound of memory, however long it stalls.
 */
final class StoreLane {
    private final int index;
    private final KeyValueStore store;
    private final ExecutorService executor;
    private final long maxPendingBytes;
    /** Payload bytes of the puts accepted and not yet finished, queued or in flight. */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** Calls not yet answered, so closing can end them all, also those stuck in a store that ignores interrupts. */
    private final Set<CompletableFuture<?>> unanswered = ConcurrentHashMap.newKeySet();

    StoreLane(int index, KeyValueStore store, ExecutorService executor, long maxPendingBytes) {
        this.index = index;
        this.store = requireNonNull(store, "store");
        this.executor = requireNonNull(executor, "executor");
        this.maxPendingBytes = maxPendingBytes;
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

    /** Runs {@code call}, which sends no payload, on this store's pool; see {@link #call(long, Function)}. */
    <T> CompletableFuture<T> call(Function<KeyValueStore, T> call) {
        return call(0, call);
    }

    /**
     * Runs {@code call}, which sends {@code payloadBytes} to the store, on this store's pool. The future fails
     * at once if the store's queue is full, or if the payload would take the bytes this store holds above its
     * bound; a payload larger than the bound alone is accepted when the store holds none, so every value fits.
     */
    <T> CompletableFuture<T> call(long payloadBytes, Function<KeyValueStore, T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!reserve(payloadBytes)) {
            result.completeExceptionally(new StoreUnavailableException("store '" + store.name() + "': too many bytes "
                    + "pending (" + pendingBytes.get() + " of at most " + maxPendingBytes + " held for calls not yet answered)"));
            return result;
        }
        unanswered.add(result);
        result.whenComplete((value, error) -> unanswered.remove(result));
        try {
            executor.execute(() -> {
                try {
                    result.complete(call.apply(store));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                } finally {
                    // Only now: a store call that outlives its future (closed, abandoned) still holds the payload.
                    pendingBytes.addAndGet(-payloadBytes);
                }
            });
        } catch (RejectedExecutionException e) {
            pendingBytes.addAndGet(-payloadBytes);
            result.completeExceptionally(new StoreUnavailableException("store '" + store.name() + "': "
                    + (executor.isShutdown() ? "replicated store closed" : "too many calls pending (queue full)"), e));
        }
        return result;
    }

    private boolean reserve(long payloadBytes) {
        if (payloadBytes == 0) {
            return true;
        }
        long held;
        do {
            held = pendingBytes.get();
            if (held > 0 && held + payloadBytes > maxPendingBytes) {
                return false;
            }
        } while (!pendingBytes.compareAndSet(held, held + payloadBytes));
        return true;
    }

    /** Payload bytes this store holds for calls not yet finished. */
    long pendingBytes() {
        return pendingBytes.get();
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
