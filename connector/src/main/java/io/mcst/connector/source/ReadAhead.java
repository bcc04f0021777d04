package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.stores.KeyValueStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches and decodes segments ahead of the replays of one task, on its own threads, while the task hands over
 * the records it holds: the replay of a partition asks for the segments after the one it reads, and takes a
 * fetched one instead of reading it when it gets there. A segment reached before it was asked for (a
 * partition's first) is fetched here too, and the task hands over other partitions' records until it arrives.
 * What is held ahead (fetched blobs, counted by their size) stays within a byte budget, {@code read.ahead.bytes}:
 * a fetch runs only while the budget has room (one that finds it full is dropped, and the replay reads that
 * segment itself when it gets there), so the budget is exceeded by at most the {@value #FETCH_CONCURRENCY}
 * fetches running when it filled.
 *
 * <p>Order is the replay's business: a fetch ahead only moves when a segment is read, never which records are
 * handed over (see {@link PartitionReplay}, which takes a fetch only if it was started under the index register
 * it reads by).
 */
final class ReadAhead implements AutoCloseable {
    /** Segments fetched at once across the task's partitions: they wait on the network, not the CPU. */
    static final int FETCH_CONCURRENCY = 8;

    /** A segment's records, decoded on a fetch thread; empty if the blob was absent. */
    record Fetched(Optional<List<ArchivedRecord>> records, long bytes) {}

    /** A fetch started ahead; {@link #release} when done with it. */
    final class Fetch {
        final CompletableFuture<Fetched> result;
        private long held;
        private boolean released;

        private Fetch(CompletableFuture<Fetched> result) {
            this.result = result;
        }

        /** Gives its bytes back to the budget (taken, or dropped). */
        void release() {
            if (!released) {
                released = true;
                result.cancel(false);
                synchronized (this) {
                    heldBytes.addAndGet(-held);
                    held = 0;
                }
            }
        }

        private synchronized void hold(long bytes) {
            if (!released) {
                held = bytes;
                heldBytes.addAndGet(bytes);
            }
        }
    }

    private final KeyValueStore store;
    private final SegmentReader reader;
    private final long budgetBytes;
    private final AtomicLong heldBytes = new AtomicLong();
    private final ExecutorService pool;

    ReadAhead(KeyValueStore store, SegmentReader reader, long budgetBytes) {
        this.store = requireNonNull(store, "store");
        this.reader = requireNonNull(reader, "reader");
        this.budgetBytes = budgetBytes;
        this.pool = Executors.newFixedThreadPool(FETCH_CONCURRENCY, runnable -> {
            Thread thread = new Thread(runnable, "mcst-source-read-ahead");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts fetching {@code segment}, or returns empty when the budget is spent (the replay reads it itself). */
    Optional<Fetch> fetch(SegmentKey segment) {
        if (heldBytes.get() >= budgetBytes) {
            return Optional.empty();
        }
        CompletableFuture<Fetched> result = new CompletableFuture<>();
        Fetch fetch = new Fetch(result);
        pool.execute(() -> {
            if (result.isDone()) {
                return; // dropped before it started
            }
            if (heldBytes.get() >= budgetBytes) {
                result.cancel(false); // the budget filled while it waited
                return;
            }
            try {
                Optional<byte[]> blob = store.get(segment.key());
                long bytes = blob.map(b -> (long) b.length).orElse(0L);
                fetch.hold(bytes);
                result.complete(new Fetched(blob.map(b -> reader.read(segment, b)), bytes));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return Optional.of(fetch);
    }

    /** Bytes of fetched segments not yet taken or dropped. */
    long heldBytes() {
        return heldBytes.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
