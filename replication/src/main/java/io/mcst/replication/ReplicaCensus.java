package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.KeyLayout.Listed;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What each base store holds of the keys a {@link ReplicatedStore} wrote, and bringing it back to the full
 * replica set: for operators' tools ({@code mcst verify} and {@code repair}), never on a read or write path.
 *
 * <p>A key's newest version is the highest timestamp any store lists for it. A store's replica is intact
 * when it holds that version's temporary blob, whole and matching its key, and an eternal copy of the same
 * version. {@link #repair} copies the newest version's blob, unchanged and under its own timestamped key,
 * to the stores that lack it, so it never writes a version that is not already the newest and is safe beside
 * writers: a write that lands meanwhile has a higher timestamp and stays the newest. An eternal copy is
 * replaced only when it is older than the version repaired. Running it twice changes nothing the second time.
 *
 * <p>Erasure-coded stores: the newest version is the highest commit marker listed; a store's copy is intact when
 * it holds its own fragment of that version and the marker. Repair decodes the value from k intact fragments
 * and writes each store that lacks it its own fragment and the marker.
 */
public final class ReplicaCensus implements AutoCloseable {
    /** What one store holds of a key's newest version. */
    public enum Status {
        /** The newest version's blob and an eternal copy of it, both intact. */
        INTACT,
        /** No blob of the newest version (the eternal copy may be older or absent too). */
        MISSING,
        /** The newest version's blob is there but unreadable: bad checksum, truncated, or not what its key says. */
        CORRUPT,
        /**
         * The newest version's blob is intact, but its commit record is absent, older or unreadable: the eternal
         * copy, or in erasure mode the commit marker.
         */
        STALE_ETERNAL,
        /** Not checked: the store did not answer. */
        UNREACHABLE
    }

    /** One store's replica of one key. */
    public record Replica(String store, Status status, String detail) {
        public Replica {
            requireNonNull(store, "store");
            requireNonNull(status, "status");
            requireNonNull(detail, "detail");
        }
    }

    /**
     * One logical key across the stores.
     *
     * @param removed whether the newest version is a tombstone (the key was removed)
     * @param valueBytes the newest value's length, -1 when no blob was read
     * @param olderVersions per store, the temporary blobs of older versions it still holds (garbage)
     * @param replicas per store, in the stores' order
     */
    public record KeyReplicas(String key, Timestamp newest, boolean removed, long valueBytes,
            List<Integer> olderVersions, List<Replica> replicas) {
        public KeyReplicas {
            requireNonNull(key, "key");
            requireNonNull(newest, "newest");
            olderVersions = List.copyOf(olderVersions);
            replicas = List.copyOf(replicas);
        }

        public long intactCount() {
            return replicas.stream().filter(replica -> replica.status() == Status.INTACT).count();
        }

        public boolean fullyReplicated() {
            return replicas.stream().allMatch(replica -> replica.status() == Status.INTACT);
        }
    }

    /** What {@link #repair} did for one key: the stores it wrote a replica to, and the old blobs it removed. */
    public record Repaired(String key, List<String> rewrittenAt, int garbageRemoved) {
        public Repaired {
            rewrittenAt = List.copyOf(rewrittenAt);
        }
    }

    private final List<KeyValueStore> stores;
    private final int quorum;
    private final int inlineMaxBytes;
    /** Null when whole values are replicated; the erasure code otherwise. */
    private final ReedSolomon code;
    private final ExecutorService calls;

    /**
     * @param stores the base stores, in the order the replicated store uses them (each with its per-store
     *     layers, e.g. integrity); not owned: the caller closes them
     * @param faultTolerance t, or -1 for floor((n-1)/2), as configured for the replicated store
     * @param inlineMaxBytes the replicated store's inline limit: larger values get a thin eternal copy
     * @param dataFragments k for erasure-coded stores, 0 when whole values are replicated
     */
    public ReplicaCensus(List<? extends KeyValueStore> stores, int faultTolerance, int inlineMaxBytes, int dataFragments) {
        this.stores = List.copyOf(requireNonNull(stores, "stores"));
        if (this.stores.isEmpty()) {
            throw new IllegalArgumentException("a census needs at least one store");
        }
        this.quorum = this.stores.size() - ReplicationOptions.defaults().withFaultTolerance(faultTolerance)
                .faultToleranceFor(this.stores.size());
        this.inlineMaxBytes = inlineMaxBytes;
        this.code = dataFragments == 0 ? null : new ReedSolomon(dataFragments, this.stores.size());
        this.calls = Executors.newFixedThreadPool(this.stores.size(), runnable -> {
            Thread thread = new Thread(runnable, "replica-census");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** n − t: how many stores every operation waits for. */
    public int quorum() {
        return quorum;
    }

    public List<String> storeNames() {
        return stores.stream().map(KeyValueStore::name).toList();
    }

    /** What every store lists under one prefix, per logical key; a store that failed to list has none. */
    public static final class Listing {
        private final List<Map<String, List<Listed>>> temporaries;
        private final List<String> failures;
        private final boolean markers;

        private Listing(List<Map<String, List<Listed>>> temporaries, List<String> failures, boolean markers) {
            this.temporaries = temporaries;
            this.failures = failures;
            this.markers = markers;
        }

        /** Every logical key any store lists a version of (in erasure mode: a committed one), sorted. */
        public List<String> keys() {
            TreeMap<String, Boolean> keys = new TreeMap<>();
            temporaries.stream().filter(m -> m != null).forEach(m -> m.forEach((key, versions) -> {
                if (versions.stream().anyMatch(version -> version.marker() == markers)) {
                    keys.put(key, true);
                }
            }));
            return List.copyOf(keys.keySet());
        }

        /** Per store that could not list, in store order, why. */
        public Map<Integer, String> failures() {
            Map<Integer, String> failed = new TreeMap<>();
            for (int i = 0; i < failures.size(); i++) {
                if (failures.get(i) != null) {
                    failed.put(i, failures.get(i));
                }
            }
            return failed;
        }
    }

    /** Lists {@code prefix} (a logical key prefix) at every store at once. */
    public Listing list(String prefix) {
        StoreKeys.checkPrefix(prefix);
        String storePrefix = KeyLayout.escape(prefix);
        List<CompletableFuture<List<String>>> listed = stores.stream()
                .map(store -> CompletableFuture.supplyAsync(() -> store.list(storePrefix), calls)).toList();
        List<Map<String, List<Listed>>> temporaries = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            try {
                Map<String, List<Listed>> byKey = new HashMap<>();
                for (String storeKey : listed.get(i).join()) {
                    KeyLayout.parse(storeKey).ifPresent(temporary ->
                            byKey.computeIfAbsent(temporary.key(), key -> new ArrayList<>()).add(temporary));
                }
                temporaries.add(byKey);
                failures.add(null);
            } catch (CompletionException e) {
                temporaries.add(null);
                failures.add("store '" + stores.get(i).name() + "': " + e.getCause().getMessage());
            }
        }
        return new Listing(temporaries, failures, code != null);
    }

    /**
     * Each store's replica of {@code key}'s newest version. With {@code readBlobs} false, judges from the
     * listing alone (present or missing, no corruption check, eternal copies not read).
     */
    public KeyReplicas inspect(Listing listing, String key, boolean readBlobs) {
        Listed newest = null;
        for (Map<String, List<Listed>> byKey : listing.temporaries) {
            for (Listed version : byKey == null ? List.<Listed>of() : byKey.getOrDefault(key, List.of())) {
                // Replication: the highest temporary key; erasure: the highest commit marker.
                if (version.marker() == (code != null) && (newest == null || version.ts().compareTo(newest.ts()) > 0)) {
                    newest = version;
                }
            }
        }
        if (newest == null) {
            throw new IllegalArgumentException("no store lists a version of '" + key + "'");
        }
        Listed target = new Listed(key, newest.ts(), newest.kind(), false);
        String escaped = KeyLayout.escape(key);
        String temporaryKey = KeyLayout.temporaryKey(escaped, target.ts(), target.kind());
        List<CompletableFuture<Replica>> checks = new ArrayList<>();
        List<Integer> older = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            KeyValueStore store = stores.get(i);
            Map<String, List<Listed>> byKey = listing.temporaries.get(i);
            if (byKey == null) {
                checks.add(CompletableFuture.completedFuture(new Replica(store.name(), Status.UNREACHABLE,
                        "listing failed: " + listing.failures.get(i))));
                older.add(0);
                continue;
            }
            List<Listed> held = byKey.getOrDefault(key, List.of());
            older.add((int) held.stream().filter(t -> t.ts().compareTo(target.ts()) < 0).count());
            boolean listed = held.stream().anyMatch(t -> !t.marker() && t.ts().equals(target.ts()));
            boolean marked = held.stream().anyMatch(t -> t.marker() && t.ts().equals(target.ts()));
            int index = i;
            if (!listed) {
                checks.add(CompletableFuture.completedFuture(new Replica(store.name(), Status.MISSING,
                        "no blob of version " + target.ts() + " (" + temporaryKey + ")")));
            } else if (code != null && !marked) {
                checks.add(CompletableFuture.completedFuture(new Replica(store.name(), Status.STALE_ETERNAL,
                        "no commit marker " + KeyLayout.markerKey(escaped, target.ts(), target.kind()))));
            } else if (!readBlobs) {
                checks.add(CompletableFuture.completedFuture(new Replica(store.name(), Status.INTACT, "listed")));
            } else {
                checks.add(CompletableFuture.supplyAsync(() -> check(store, index, escaped, temporaryKey, target), calls));
            }
        }
        List<Replica> replicas = checks.stream().map(CompletableFuture::join).toList();
        long valueBytes = readBlobs ? lengthOfNewest(replicas, temporaryKey, target) : -1;
        return new KeyReplicas(key, target.ts(), target.kind() == Kind.TOMBSTONE, valueBytes, older, replicas);
    }

    private long lengthOfNewest(List<Replica> replicas, String temporaryKey, Listed target) {
        for (int i = 0; i < stores.size(); i++) {
            Status status = replicas.get(i).status();
            if (status == Status.INTACT || status == Status.STALE_ETERNAL) {
                return intactBlob(stores.get(i), i, temporaryKey, target).map(Blob::valueLength).orElse(-1);
            }
        }
        return -1;
    }

    private Replica check(KeyValueStore store, int index, String escaped, String temporaryKey, Listed target) {
        try {
            Optional<byte[]> bytes = store.get(temporaryKey);
            if (bytes.isEmpty()) {
                return new Replica(store.name(), Status.MISSING, "listed but gone: " + temporaryKey);
            }
            Blob blob = Blob.decode(bytes.get(), where(store, temporaryKey));
            if (!matches(blob, target, index)) {
                return new Replica(store.name(), Status.CORRUPT, temporaryKey + " holds " + blob + ", not its key's version"
                        + (code == null ? "" : " (fragment " + index + " of " + code.dataFragments() + ")"));
            }
        } catch (StoreCorruptionException e) {
            return new Replica(store.name(), Status.CORRUPT, e.getMessage());
        } catch (StoreException e) {
            return new Replica(store.name(), Status.UNREACHABLE, e.getMessage());
        }
        String eternalKey = code == null ? KeyLayout.eternalKey(escaped) : KeyLayout.markerKey(escaped, target.ts(), target.kind());
        try {
            Optional<byte[]> eternal = store.get(eternalKey);
            if (eternal.isEmpty()) {
                return new Replica(store.name(), Status.STALE_ETERNAL,
                        (code == null ? "no eternal copy " : "no commit marker ") + eternalKey);
            }
            Blob blob = Blob.decode(eternal.get(), where(store, eternalKey));
            if (blob.ts().compareTo(target.ts()) < 0
                    || (code != null && (blob.form() != Blob.Form.MARKER || !blob.ts().equals(target.ts())))) {
                return new Replica(store.name(), Status.STALE_ETERNAL, eternalKey + " holds older version " + blob.ts());
            }
            return new Replica(store.name(), Status.INTACT, "intact");
        } catch (StoreCorruptionException e) {
            return new Replica(store.name(), Status.STALE_ETERNAL, e.getMessage());
        } catch (StoreException e) {
            return new Replica(store.name(), Status.UNREACHABLE, e.getMessage());
        }
    }

    /**
     * Brings every reachable store to an intact replica of {@code found}'s newest version, then removes the
     * older versions' blobs at stores that hold the newest (what a write's garbage collection would have done),
     * once a quorum holds it. Reads the newest blob from a store whose copy is intact; does nothing when none is.
     *
     * @param dryRun report what would be written and removed, without writing
     */
    public Repaired repair(KeyReplicas found, boolean dryRun) {
        requireNonNull(found, "found");
        Kind kind = found.removed() ? Kind.TOMBSTONE : Kind.VALUE;
        Listed target = new Listed(found.key(), found.newest(), kind, false);
        String escaped = KeyLayout.escape(found.key());
        String temporaryKey = KeyLayout.temporaryKey(escaped, target.ts(), kind);
        List<Replica> replicas = found.replicas();
        Blob good = newestValue(replicas, temporaryKey, target);
        if (good == null && newerVersionListed(escaped, target.ts())) {
            return new Repaired(found.key(), List.of(), 0); // a write landed since the census: it is the newest now
        }
        if (good == null) {
            throw new StoreCorruptionException("no store holds an intact blob of the newest version " + found.newest()
                    + " of '" + found.key() + "' (" + temporaryKey + "); it cannot be repaired from the stores");
        }
        byte[][] temporaries = perStore(good);
        byte[] eternal = good.valueLength() > inlineMaxBytes ? good.thin().encode() : temporaries[0];
        List<String> rewritten = new ArrayList<>();
        int intactAfter = 0;
        for (int i = 0; i < stores.size(); i++) {
            KeyValueStore store = stores.get(i);
            Status status = replicas.get(i).status();
            switch (status) {
                case INTACT -> intactAfter++;
                case MISSING, CORRUPT, STALE_ETERNAL -> {
                    if (!dryRun) {
                        if (status != Status.STALE_ETERNAL) {
                            store.put(temporaryKey, temporaries[i]);
                        }
                        if (code == null) {
                            putEternalUnlessNewer(store, KeyLayout.eternalKey(escaped), eternal, target.ts());
                        } else {
                            store.put(KeyLayout.markerKey(escaped, target.ts(), kind), good.marker().encode());
                        }
                    }
                    rewritten.add(store.name());
                    intactAfter++;
                }
                case UNREACHABLE -> { }
            }
        }
        int removed = 0;
        if (intactAfter >= quorum) {
            for (int i = 0; i < stores.size(); i++) {
                if (replicas.get(i).status() != Status.UNREACHABLE && found.olderVersions().get(i) > 0) {
                    removed += dryRun ? found.olderVersions().get(i) : removeOlder(stores.get(i), escaped, target.ts());
                }
            }
        }
        return new Repaired(found.key(), rewritten, removed);
    }

    /**
     * The newest version's whole value, from a store whose copy is intact (erasure mode: decoded from k intact
     * fragments); null when the stores do not hold enough of it.
     */
    private Blob newestValue(List<Replica> replicas, String temporaryKey, Listed target) {
        Map<Integer, Blob> pieces = new HashMap<>();
        int needed = code == null ? 1 : code.dataFragments();
        for (int i = 0; i < stores.size() && pieces.size() < needed; i++) {
            Status status = replicas.get(i).status();
            if (status == Status.INTACT || status == Status.STALE_ETERNAL) {
                int index = i;
                intactBlob(stores.get(i), i, temporaryKey, target).ifPresent(blob -> pieces.put(index, blob));
            }
        }
        if (pieces.size() < needed) {
            return null;
        }
        if (code == null) {
            return pieces.values().iterator().next();
        }
        Map<Integer, byte[]> shards = new HashMap<>();
        pieces.forEach((index, fragment) -> shards.put(index, fragment.payload()));
        Blob any = pieces.values().iterator().next();
        return Blob.full(any.kind(), any.ts(), code.decode(shards, any.valueLength()));
    }

    /** What each store holds of {@code version} under its temporary key: the whole blob, or its own fragment. */
    private byte[][] perStore(Blob version) {
        byte[][] blobs = new byte[stores.size()][];
        if (code == null) {
            Arrays.fill(blobs, version.encode());
        } else {
            byte[][] fragments = code.encode(version.payload());
            for (int i = 0; i < blobs.length; i++) {
                blobs[i] = new Blob(version.kind(), Blob.Form.FRAGMENT, version.ts(), i, code.dataFragments(),
                        version.valueLength(), fragments[i]).encode();
            }
        }
        return blobs;
    }

    private boolean newerVersionListed(String escaped, Timestamp ts) {
        for (KeyValueStore store : stores) {
            try {
                if (store.list(KeyLayout.registerPrefix(escaped)).stream().map(KeyLayout::parse)
                        .flatMap(Optional::stream).anyMatch(temporary -> temporary.ts().compareTo(ts) > 0)) {
                    return true;
                }
            } catch (StoreException unreachable) {
                // the other stores decide
            }
        }
        return false;
    }

    /** Writes the eternal copy unless the store's is already this version or newer (a write landed meanwhile). */
    private static void putEternalUnlessNewer(KeyValueStore store, String eternalKey, byte[] eternal, Timestamp ts) {
        Optional<byte[]> current = store.get(eternalKey);
        if (current.isPresent()) {
            try {
                if (Blob.decode(current.get(), where(store, eternalKey)).ts().compareTo(ts) >= 0) {
                    return;
                }
            } catch (StoreCorruptionException corrupt) {
                // replaced below
            }
        }
        store.put(eternalKey, eternal);
    }

    /** Removes the version blobs (and markers) below {@code newest} that {@code store} lists now; returns how many. */
    private static int removeOlder(KeyValueStore store, String escaped, Timestamp newest) {
        int removed = 0;
        for (String storeKey : store.list(KeyLayout.registerPrefix(escaped))) {
            Optional<Listed> temporary = KeyLayout.parse(storeKey);
            if (temporary.isPresent() && temporary.get().ts().compareTo(newest) < 0) {
                store.remove(storeKey);
                removed++;
            }
        }
        return removed;
    }

    private Optional<Blob> intactBlob(KeyValueStore store, int index, String temporaryKey, Listed target) {
        try {
            return store.get(temporaryKey).map(bytes -> Blob.decode(bytes, where(store, temporaryKey)))
                    .filter(blob -> matches(blob, target, index));
        } catch (StoreException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code blob} is what store {@code index} should hold of {@code target}: whole, or its own fragment. */
    private boolean matches(Blob blob, Listed target, int index) {
        if (!blob.ts().equals(target.ts()) || blob.kind() != target.kind()) {
            return false;
        }
        return code == null ? blob.form() == Blob.Form.FULL
                : blob.form() == Blob.Form.FRAGMENT && blob.fragmentIndex() == index
                        && blob.dataFragments() == code.dataFragments()
                        && blob.payload().length == ReedSolomon.fragmentSize(blob.valueLength(), code.dataFragments());
    }

    private static String where(KeyValueStore store, String key) {
        return "store '" + store.name() + "', key " + key;
    }

    /** Stops the census's threads; the stores stay open (the caller owns them). */
    @Override
    public void close() {
        calls.shutdownNow();
    }
}
