package io.mcst.replication;

import static io.mcst.replication.HistoryScenario.KEY;
import static io.mcst.replication.HistoryScenario.MILLIS;

import io.mcst.replication.HistoryScenario.Cluster;
import io.mcst.replication.HistoryScenario.Profile;
import io.mcst.replication.VirtualTime.Participant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One seeded history of fenced writers (docs/algorithm.md, Fencing) on {@link VirtualTime}, under the store
 * faults and network of {@link HistoryScenario}: a zombie takes the register over and keeps writing with its
 * epoch; once its takeover completed, the owner takes the register over and writes, and in some histories a
 * second owner takes it over at about the same time (both may pick the same epoch); readers read
 * throughout, and a quiescent read ends the history. The zombie sometimes crashes mid-write.
 *
 * <p>Besides linearizability, the run checks what fencing promises, for every takeover T that completed:
 * a takeover started later picks a higher epoch; no read started later returns a version of an epoch below
 * T's; every fenced write of an older epoch that started later aborts with a {@link FencedException}. And:
 * the holder of the highest epoch, if no one else holds it, is never fenced off; of two holders of one
 * epoch (concurrent takeovers), at most one ever gets a fenced write acknowledged. (A same-epoch holder may
 * write after the other's takeover completed: once the GC of its own takeover removed the other's version,
 * nothing at the stores names the other holder; the other then aborts.)
 */
final class FencedHistoryScenario {
    private static final int ZOMBIE = 0;

    /**
     * A finished run: the history (takeovers recorded as writes of the value they wrote back), and what went
     * wrong besides linearizability.
     *
     * @param writesFencedOff fenced writes that aborted: the case the history is for
     */
    record Run(long seed, String shape, List<History.Op> ops, List<String> fencingViolations, List<String> livenessFailures,
               int writesFencedOff) {}

    /** A completed takeover: by whom, when on the history's clock, and the epoch it took. */
    private record Takeover(int client, long start, long end, long epoch) {}

    /** A fenced write: by whom, under which epoch, invoked after which tick, and whether it was acknowledged. */
    private record FencedWrite(int client, long epoch, long after, boolean acknowledged, String value) {}

    private FencedHistoryScenario() {}

    /**
     * @param zombieIgnoresItsFence the zombie writes unfenced after its takeover, as a writer without
     *     fencing would: the checks must catch it
     */
    static Run run(long seed, Profile profile, boolean erasure, boolean zombieIgnoresItsFence) {
        Random random = new Random(seed);
        int n = erasure ? 5 : new int[] {3, 5}[random.nextInt(2)];
        int t = erasure ? 1 : (n - 1) / 2;
        int k = erasure ? 1 + random.nextInt(n - 2 * t) : 0;
        int owners = random.nextInt(3) == 0 ? 2 : 1;
        int readers = 1 + random.nextInt(2);
        int clients = 1 + owners + readers;
        StringBuilder shape = new StringBuilder("seed=%d %s fenced n=%d t=%d k=%d owners=%d readers=%d%s".formatted(
                seed, profile, n, t, k, owners, readers, zombieIgnoresItsFence ? " zombie ignores its fence" : ""));
        Cluster cluster = Cluster.faulty(random, profile, n, t, clients, shape);
        VirtualTime time = cluster.time();
        ReplicationOptions options = ReplicationOptions.defaults()
                .withSemantics(Semantics.ATOMIC)
                .withFaultTolerance(t)
                .withDataFragments(k)
                .withPhaseTimeout(HistoryScenario.LIVENESS_TIMEOUT);

        History history = new History();
        List<String> liveness = new ArrayList<>();
        List<Takeover> takeovers = new ArrayList<>();
        List<FencedWrite> writes = new ArrayList<>();
        List<ReplicatedStore> replicated = new ArrayList<>();
        List<Runnable> bodies = new ArrayList<>();
        boolean[] zombieTookOver = {false};

        // Writer 0 is the zombie, which takes over first; the owners take over once it has, close together.
        long ownersFrom = random.nextInt(8 * (int) MILLIS);
        for (int w = 0; w <= owners; w++) {
            boolean isZombie = w == ZOMBIE;
            Participant me = time.newClient();
            ReplicatedStore writer = new ReplicatedStore(cluster.stores(), options, Mutation.NONE, me.environment());
            replicated.add(writer);
            int client = w;
            int count = isZombie ? 2 + random.nextInt(5) : 1 + random.nextInt(4);
            int crashesIn = isZombie && random.nextInt(profile == Profile.NORMAL ? 4 : 2) == 0 ? random.nextInt(count) : -1;
            long crashDelay = random.nextInt(3 * (int) MILLIS);
            long delay = isZombie ? 0 : ownersFrom + random.nextInt(2 * (int) MILLIS);
            if (crashesIn >= 0) {
                shape.append(" zombie crashes %dus into write %d".formatted(crashDelay / 1000, crashesIn));
            }
            long writerSeed = random.nextLong();
            bodies.add(() -> {
                Random choices = new Random(writerSeed);
                while (!isZombie && !zombieTookOver[0]) {
                    time.sleep(me, MILLIS);
                }
                time.sleep(me, delay);
                Fence fence = takeOver(history, client, writer, takeovers, liveness);
                zombieTookOver[0] |= isZombie;
                if (fence == null) {
                    return;
                }
                for (int i = 0; i < count; i++) {
                    time.sleep(me, choices.nextInt(3 * (int) MILLIS));
                    if (i == crashesIn) {
                        time.crashIn(me, crashDelay);
                    }
                    boolean remove = !isZombie && choices.nextInt(5) == 0;
                    String value = remove ? null : (isZombie ? "z-" : "o" + client + "-") + i;
                    long after = history.now();
                    try {
                        history.write(client, writer.clientId(), value, () -> {
                            if (isZombie && zombieIgnoresItsFence) {
                                return writer.write(KEY, Kind.VALUE, utf8(value));
                            } else if (remove) {
                                writer.removeFenced(KEY, fence);
                            } else {
                                writer.putFenced(KEY, utf8(value), fence);
                            }
                            return null;
                        });
                        writes.add(new FencedWrite(client, fence.epoch(), after, true, value));
                    } catch (FencedException e) {
                        writes.add(new FencedWrite(client, fence.epoch(), after, false, value));
                        return; // the writer learns it lost the key and stops writing it
                    } catch (RuntimeException e) {
                        liveness.add("write " + value + " by writer " + client + ": " + e);
                    }
                }
            });
        }
        for (int r = 0; r < readers; r++) {
            Participant me = time.newClient();
            ReplicatedStore reader = new ReplicatedStore(cluster.stores(), options, Mutation.NONE, me.environment());
            replicated.add(reader);
            int client = 1 + owners + r;
            int reads = 3 + random.nextInt(5);
            long readerSeed = random.nextLong();
            bodies.add(() -> {
                Random choices = new Random(readerSeed);
                for (int i = 0; i < reads; i++) {
                    time.sleep(me, choices.nextInt(4 * (int) MILLIS));
                    read(history, client, reader, liveness);
                }
            });
        }
        ReplicatedStore quiescent = new ReplicatedStore(cluster.stores(), options, Mutation.NONE, time.driver().environment());
        replicated.add(quiescent);

        try {
            long[] starts = random.longs(clients, 0, MILLIS).toArray();
            time.runClients(bodies, starts).forEach(failure -> liveness.add("a client failed: " + failure));
            read(history, clients, quiescent, liveness);
            time.drain();
        } finally {
            replicated.forEach(ReplicatedStore::close);
        }
        List<History.Op> ops = history.ops();
        int fencedOff = (int) writes.stream().filter(write -> !write.acknowledged()).count();
        return new Run(seed, shape.toString(), ops, violations(takeovers, writes, ops), liveness, fencedOff);
    }

    private static List<String> violations(List<Takeover> takeovers, List<FencedWrite> writes, List<History.Op> ops) {
        List<String> violations = new ArrayList<>();
        for (Takeover taken : takeovers) {
            for (Takeover later : takeovers) {
                if (later.start() > taken.end() && later.epoch() <= taken.epoch()) {
                    violations.add(later + " started after " + taken + " completed, yet took no higher epoch");
                }
            }
            for (History.Op op : ops) {
                if (op.type() == History.Type.READ && op.start() > taken.end() && op.ts().epoch() < taken.epoch()) {
                    violations.add(op + " started after " + taken + " completed, yet returned epoch " + op.ts().epoch());
                }
            }
            for (FencedWrite write : writes) {
                if (write.acknowledged() && write.after() >= taken.end() && write.epoch() < taken.epoch()) {
                    violations.add(write + " started after " + taken + " completed, yet was acknowledged");
                }
            }
        }
        long highest = takeovers.stream().mapToLong(Takeover::epoch).max().orElse(0);
        List<Integer> holders = takeovers.stream().filter(taken -> taken.epoch() == highest).map(Takeover::client).toList();
        if (holders.size() == 1) {
            writes.stream().filter(write -> write.client() == holders.get(0) && !write.acknowledged())
                    .forEach(write -> violations.add("the only holder of the highest epoch was fenced off: " + write));
        }
        for (Takeover taken : takeovers) {
            for (Takeover same : takeovers) {
                if (taken.client() < same.client() && taken.epoch() == same.epoch() && acknowledged(writes, taken) && acknowledged(writes, same)) {
                    violations.add(taken + " and " + same + " share an epoch, and both got fenced writes acknowledged");
                }
            }
        }
        return violations;
    }

    private static boolean acknowledged(List<FencedWrite> writes, Takeover taken) {
        return writes.stream().anyMatch(write -> write.client() == taken.client() && write.acknowledged());
    }

    /** A takeover, recorded as the write of the value it wrote back; null (and a liveness failure) if it failed. */
    private static Fence takeOver(History history, int client, ReplicatedStore store, List<Takeover> takeovers, List<String> liveness) {
        long start = history.invoke();
        try {
            Fence fence = store.takeover(KEY);
            String value = fence.value().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse(null);
            history.returned(client, store.clientId(), History.Type.WRITE, start, value,
                    new Timestamp(fence.epoch() << Timestamp.EPOCH_SHIFT, store.clientId()));
            takeovers.add(new Takeover(client, start, history.now(), fence.epoch()));
            return fence;
        } catch (RuntimeException e) {
            liveness.add("takeover by writer " + client + ": " + e);
            return null;
        }
    }

    private static void read(History history, int client, ReplicatedStore store, List<String> liveness) {
        try {
            history.read(client, store.clientId(), () -> store.read(KEY));
        } catch (RuntimeException e) {
            liveness.add("read by client " + client + ": " + e);
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
