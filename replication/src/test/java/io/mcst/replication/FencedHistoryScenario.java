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
 * epoch; once its takeover completed, the rightful owner takes the register over with a higher epoch and
 * writes; readers read throughout, and a quiescent read ends the history. The zombie sometimes crashes
 * mid-write. Besides linearizability, the run checks what fencing promises once the owner's takeover
 * completed: no read that starts later returns a version of an older epoch, every zombie write that starts
 * later aborts with a {@link FencedException}, and the owner is never fenced off.
 */
final class FencedHistoryScenario {
    private static final int ZOMBIE = 0;
    private static final int OWNER = 1;

    /**
     * A finished run: the history (takeovers recorded as writes of the value they wrote back), and what went
     * wrong besides linearizability.
     */
    record Run(long seed, String shape, List<History.Op> ops, List<String> fencingViolations, List<String> livenessFailures,
               int zombieWritesFencedOff) {}

    private FencedHistoryScenario() {}

    /**
     * @param zombieIgnoresItsFence the zombie writes unfenced after its takeover, as a writer without
     *     fencing would: the check that zombie writes after the owner's takeover abort must catch it
     */
    static Run run(long seed, Profile profile, boolean erasure, boolean zombieIgnoresItsFence) {
        Random random = new Random(seed);
        int n = erasure ? 5 : new int[] {3, 5}[random.nextInt(2)];
        int t = erasure ? 1 : (n - 1) / 2;
        int k = erasure ? 1 + random.nextInt(n - 2 * t) : 0;
        int readers = 1 + random.nextInt(2);
        int clients = 2 + readers;
        StringBuilder shape = new StringBuilder("seed=%d %s fenced n=%d t=%d k=%d readers=%d%s".formatted(
                seed, profile, n, t, k, readers, zombieIgnoresItsFence ? " zombie ignores its fence" : ""));
        Cluster cluster = Cluster.faulty(random, profile, n, t, clients, shape);
        VirtualTime time = cluster.time();
        ReplicationOptions options = ReplicationOptions.defaults()
                .withSemantics(Semantics.ATOMIC)
                .withFaultTolerance(t)
                .withDataFragments(k)
                .withPhaseTimeout(HistoryScenario.LIVENESS_TIMEOUT);

        History history = new History();
        List<String> violations = new ArrayList<>();
        List<String> liveness = new ArrayList<>();
        List<ReplicatedStore> replicated = new ArrayList<>();
        List<Runnable> bodies = new ArrayList<>();
        // The owner's takeover: its epoch and when it returned on the history's clock (MAX_VALUE until then).
        long[] takeover = {0, Long.MAX_VALUE};
        boolean[] zombieHoldsTheKey = {false};
        int[] fencedOff = {0};

        Participant zombieThread = time.newClient();
        ReplicatedStore zombie = new ReplicatedStore(cluster.stores(), options, Mutation.NONE, zombieThread.environment());
        int zombieWrites = 2 + random.nextInt(5);
        int zombieCrashesIn = random.nextInt(profile == Profile.NORMAL ? 4 : 2) == 0 ? random.nextInt(zombieWrites) : -1;
        long zombieCrashDelay = random.nextInt(3 * (int) MILLIS);
        if (zombieCrashesIn >= 0) {
            shape.append(" zombie crashes %dus into write %d".formatted(zombieCrashDelay / 1000, zombieCrashesIn));
        }
        long zombieSeed = random.nextLong();
        bodies.add(() -> {
            Random choices = new Random(zombieSeed);
            Fence fence = takeOver(history, ZOMBIE, zombie, liveness);
            zombieHoldsTheKey[0] = true;
            if (fence == null) {
                return;
            }
            for (int w = 0; w < zombieWrites; w++) {
                time.sleep(zombieThread, choices.nextInt(2 * (int) MILLIS));
                if (w == zombieCrashesIn) {
                    time.crashIn(zombieThread, zombieCrashDelay);
                }
                boolean afterTakeover = history.now() >= takeover[1];
                String value = "z-" + w;
                try {
                    history.write(ZOMBIE, zombie.clientId(), value, () -> {
                        if (zombieIgnoresItsFence) {
                            return zombie.write(KEY, Kind.VALUE, utf8(value));
                        }
                        zombie.putFenced(KEY, utf8(value), fence);
                        return null;
                    });
                    if (afterTakeover) {
                        violations.add("zombie write " + value + " started after the owner's takeover completed, yet was acknowledged");
                    }
                } catch (FencedException e) {
                    fencedOff[0]++;
                    return; // the zombie learns it lost the key and stops writing it
                } catch (RuntimeException e) {
                    liveness.add("zombie write " + value + ": " + e);
                }
            }
        });

        Participant ownerThread = time.newClient();
        ReplicatedStore owner = new ReplicatedStore(cluster.stores(), options, Mutation.NONE, ownerThread.environment());
        long ownerDelay = random.nextInt(8 * (int) MILLIS);
        int ownerWrites = 1 + random.nextInt(4);
        long ownerSeed = random.nextLong();
        bodies.add(() -> {
            Random choices = new Random(ownerSeed);
            while (!zombieHoldsTheKey[0]) {
                time.sleep(ownerThread, MILLIS);
            }
            time.sleep(ownerThread, ownerDelay);
            Fence fence = takeOver(history, OWNER, owner, liveness);
            if (fence == null) {
                return;
            }
            takeover[0] = fence.epoch();
            takeover[1] = history.now();
            for (int w = 0; w < ownerWrites; w++) {
                time.sleep(ownerThread, choices.nextInt(3 * (int) MILLIS));
                boolean remove = choices.nextInt(5) == 0;
                String value = remove ? null : "o-" + w;
                try {
                    history.write(OWNER, owner.clientId(), value, () -> {
                        if (remove) {
                            owner.removeFenced(KEY, fence);
                        } else {
                            owner.putFenced(KEY, utf8(value), fence);
                        }
                        return null;
                    });
                } catch (FencedException e) {
                    violations.add("the owner was fenced off: " + e.getMessage());
                    return;
                } catch (RuntimeException e) {
                    liveness.add("owner write " + value + ": " + e);
                }
            }
        });

        for (int r = 0; r < readers; r++) {
            Participant me = time.newClient();
            ReplicatedStore reader = new ReplicatedStore(cluster.stores(), options, Mutation.NONE, me.environment());
            int index = OWNER + 1 + r;
            int reads = 3 + random.nextInt(5);
            long readerSeed = random.nextLong();
            bodies.add(() -> {
                Random choices = new Random(readerSeed);
                for (int i = 0; i < reads; i++) {
                    time.sleep(me, choices.nextInt(4 * (int) MILLIS));
                    read(history, index, reader, liveness);
                }
            });
            replicated.add(reader);
        }
        replicated.add(zombie);
        replicated.add(owner);
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
        for (History.Op op : ops) {
            if (op.type() == History.Type.READ && op.start() > takeover[1] && op.ts().epoch() < takeover[0]) {
                violations.add(op + " started after the owner's takeover to epoch " + takeover[0] + " completed, yet returned epoch "
                        + op.ts().epoch());
            }
        }
        return new Run(seed, shape.toString(), ops, violations, liveness, fencedOff[0]);
    }

    /** A takeover, recorded as the write of the value it wrote back; null (and a liveness failure) if it failed. */
    private static Fence takeOver(History history, int client, ReplicatedStore store, List<String> liveness) {
        long start = history.invoke();
        try {
            Fence fence = store.takeover(KEY);
            String value = fence.value().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse(null);
            history.returned(client, store.clientId(), History.Type.WRITE, start, value,
                    new Timestamp(fence.epoch() << Timestamp.EPOCH_SHIFT, store.clientId()));
            return fence;
        } catch (RuntimeException e) {
            liveness.add("takeover by client " + client + ": " + e);
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
