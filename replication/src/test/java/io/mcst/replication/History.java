package io.mcst.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The operations of many concurrent clients on one register, each with its invocation and response on one
 * global test clock (docs/algorithm.md, Testing). An operation that never returned (its client crashed) has
 * {@code end == PENDING}: it may or may not have taken effect.
 */
final class History {
    static final long PENDING = Long.MAX_VALUE;

    enum Type { WRITE, READ }

    /**
     * One operation.
     *
     * @param client which client ran it; its writes carry that client's id in their timestamps
     * @param clientId the 32-hex id of the client's {@link ReplicatedStore}
     * @param value the value written or read; null for a remove, a tombstone read or a never-written register
     * @param ts the timestamp written or read; null for a write that never returned
     */
    record Op(int client, String clientId, Type type, long start, long end, String value, Timestamp ts) {
        boolean completed() {
            return end != PENDING;
        }

        /** Real-time order: this operation returned before {@code other} was invoked. */
        boolean precedes(Op other) {
            return end < other.start;
        }

        @Override
        public String toString() {
            return "c%d %s(%s) ts=%s [%d, %s]".formatted(client, type, value, ts, start, completed() ? Long.toString(end) : "pending");
        }
    }

    private final AtomicLong clock = new AtomicLong();
    private final List<Op> ops = new ArrayList<>();

    /**
     * Runs a write and records it; a write that throws, or whose client crashes in it, is recorded as
     * pending: it may land later.
     */
    void write(int client, String clientId, String value, Supplier<Timestamp> write) {
        long start = clock.incrementAndGet();
        try {
            Timestamp ts = write.get();
            add(new Op(client, clientId, Type.WRITE, start, clock.incrementAndGet(), value, ts));
        } catch (RuntimeException | VirtualTime.ClientCrash e) {
            add(new Op(client, clientId, Type.WRITE, start, PENDING, value, null));
            throw e;
        }
    }

    /** Runs a read and records it if it returned; a read that failed returned nothing and constrains nothing. */
    void read(int client, String clientId, Supplier<Versioned> read) {
        long start = clock.incrementAndGet();
        Versioned result = read.get();
        long end = clock.incrementAndGet();
        String value = result.value() == null ? null : new String(result.value(), java.nio.charset.StandardCharsets.UTF_8);
        add(new Op(client, clientId, Type.READ, start, end, value, result.ts()));
    }

    /** The clock's last tick: every operation invoked from now on starts after it. */
    long now() {
        return clock.get();
    }

    /** The invocation of an operation recorded by {@link #returned} once it is known what it did. */
    long invoke() {
        return clock.incrementAndGet();
    }

    /** Records the response of an operation {@link #invoke}d at {@code start}. */
    void returned(int client, String clientId, Type type, long start, String value, Timestamp ts) {
        add(new Op(client, clientId, type, start, clock.incrementAndGet(), value, ts));
    }

    private synchronized void add(Op op) {
        ops.add(op);
    }

    synchronized List<Op> ops() {
        return List.copyOf(ops);
    }
}
