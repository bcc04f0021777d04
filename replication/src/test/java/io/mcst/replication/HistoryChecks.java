package io.mcst.replication;

import io.mcst.replication.History.Op;
import io.mcst.replication.History.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Two independent judges of a register history (docs/algorithm.md, Testing).
 *
 * <ul>
 *   <li>{@link #timestampViolations}: the polynomial check on the timestamps the algorithm reports,
 *       properties (a)–(c) for regularity, plus (d), (e) and "a read is older than every write invoked
 *       after it returned" for atomicity.
 *   <li>{@link #isLinearizable}: a Wing &amp; Gong search for a sequential register order that explains the
 *       values alone (timestamps unused), with Lowe's memoisation of (linearized set, register value).
 * </ul>
 */
final class HistoryChecks {
    private HistoryChecks() {}

    /** Every violated property, each naming the operations; empty when the history passes. */
    static List<String> timestampViolations(List<Op> history, Semantics semantics) {
        List<String> violations = new ArrayList<>();
        List<Op> writes = history.stream().filter(op -> op.type() == Type.WRITE).toList();
        List<Op> reads = history.stream().filter(op -> op.type() == Type.READ).toList();
        Map<Timestamp, Op> completedByTs = new HashMap<>();
        for (Op write : writes) {
            if (write.completed() && completedByTs.put(write.ts(), write) != null) {
                violations.add("two writes returned timestamp " + write.ts());
            }
        }
        Map<Op, Timestamp> pendingWriteTs = new HashMap<>();
        for (Op read : reads) {
            Timestamp ts = read.ts();
            if (ts.equals(Timestamp.ZERO)) {
                if (read.value() != null) {
                    violations.add("(c) " + read + " returned a value with the initial timestamp");
                }
            } else {
                Op source = completedByTs.get(ts);
                if (source == null) {
                    // Only a write that never returned may have produced an unreported timestamp: the one
                    // write its client crashed in.
                    source = writes.stream().filter(w -> !w.completed() && w.clientId().equals(ts.clientId())).findFirst().orElse(null);
                    if (source != null) {
                        Timestamp earlier = pendingWriteTs.putIfAbsent(source, ts);
                        if (earlier != null && !earlier.equals(ts)) {
                            violations.add("(a) reads saw two timestamps " + earlier + " and " + ts + " for one write " + source);
                        }
                    }
                }
                if (source == null) {
                    violations.add("(a) " + read + " returned a timestamp no write produced");
                    continue;
                }
                if (!(source.start() < read.end())) {
                    violations.add("(a) " + read + " returned " + source + ", invoked after the read returned");
                }
                if (!Objects.equals(source.value(), read.value())) {
                    violations.add("(c) " + read + " returned a value other than its write's: " + source);
                }
            }
            for (Op write : writes) {
                if (write.completed() && write.precedes(read) && write.ts().compareTo(ts) > 0) {
                    violations.add("(b) " + read + " is older than " + write + ", which returned before the read began");
                }
            }
        }
        for (Op w1 : writes) {
            for (Op w2 : writes) {
                if (w1.completed() && w2.completed() && w1.precedes(w2) && w1.ts().compareTo(w2.ts()) >= 0) {
                    violations.add("(e) " + w2 + " does not order after " + w1);
                }
            }
        }
        if (semantics == Semantics.ATOMIC) {
            for (Op r1 : reads) {
                for (Op r2 : reads) {
                    if (r1.precedes(r2) && r2.ts().compareTo(r1.ts()) < 0) {
                        violations.add("(d) new/old inversion: " + r2 + " after " + r1);
                    }
                }
                for (Op write : writes) {
                    if (write.completed() && r1.precedes(write) && r1.ts().compareTo(write.ts()) >= 0) {
                        violations.add("(atomic) " + r1 + " returned a version newer than " + write + ", invoked after it");
                    }
                }
            }
        }
        return violations;
    }

    /** Whether some order of the operations, consistent with real time, is a legal sequential register run. */
    static boolean isLinearizable(List<Op> history) {
        if (history.size() > 63) {
            throw new IllegalArgumentException("history too long for the bitset search: " + history.size());
        }
        long mustLinearize = 0;
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).completed()) {
                mustLinearize |= 1L << i;
            }
        }
        return search(history, 0L, null, mustLinearize, new HashSet<>());
    }

    private record State(long linearized, String value) {}

    private static boolean search(List<Op> ops, long linearized, String value, long mustLinearize, Set<State> seen) {
        if ((linearized & mustLinearize) == mustLinearize) {
            return true; // what is left never returned and may never take effect
        }
        if (!seen.add(new State(linearized, value))) {
            return false;
        }
        long minEnd = Long.MAX_VALUE;
        for (int i = 0; i < ops.size(); i++) {
            if ((linearized & (1L << i)) == 0) {
                minEnd = Math.min(minEnd, ops.get(i).end());
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            // A candidate for the next linearization point: not yet placed, and invoked before every
            // remaining operation's response.
            if ((linearized & (1L << i)) != 0 || op.start() > minEnd) {
                continue;
            }
            if (op.type() == Type.WRITE) {
                if (search(ops, linearized | (1L << i), op.value(), mustLinearize, seen)) {
                    return true;
                }
            } else if (Objects.equals(op.value(), value) && search(ops, linearized | (1L << i), value, mustLinearize, seen)) {
                return true;
            }
        }
        return false;
    }
}
