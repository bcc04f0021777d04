package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.Encoding.View;
import io.mcst.replication.KeyLayout.Listed;
import io.mcst.stores.CloseGuard;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreKeys;
import io.mcst.stores.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fault-tolerant key-value store emulated over n unmodified ones, as docs/algorithm.md describes
 * (after Băsescu et al., DSN 2012). Every phase of an operation calls all n stores in parallel and goes on
 * after the first n − t answers, so up to t stores may crash, stall, answer slowly or return corrupt bytes
 * while every write completes, and every read completes once writes to its key pause.
 *
 * <p>Per logical key each store holds unique, never-overwritten temporary keys (one per write) and one
 * eternal key, or, erasure-coded, a fragment per temporary key and a commit marker per version instead of the
 * eternal key ({@link Encoding}); garbage collection after each write keeps two blobs per key per store when
 * writes do not overlap. Instances never talk to each other: any number of them, in any processes, may share
 * the stores.
 */
public final class ReplicatedStore implements FencedStore {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedStore.class);
    /** The longest suffix a version key adds to esc(K), a marker's: "/t/" + 16 + "-" + 32 + "." + kind + ".m". */
    private static final int VERSION_SUFFIX_BYTES = 3 + 16 + 1 + 32 + 2 + 2;

    private final String name;
    private final List<StoreLane> lanes;
    private final int quorum;
    /** Whole values or erasure-code fragments (docs/algorithm.md, Erasure coding). */
    private final Encoding encoding;
    private final ReplicationOptions options;
    private final Variant variant;
    private final Environment environment;
    private final String clientId;
    private final CloseGuard guard;
    private final BackgroundWork background = new BackgroundWork();
    private final LongAdder readRounds = new LongAdder();
    /** The last counter this instance wrote with, under any key. */
    private final AtomicLong lastCounter = new AtomicLong();

    /**
     * Replicates over {@code stores}, in order; it owns them and closes them on {@link #close()}.
     *
     * @throws IllegalArgumentException if there are no stores or the fault tolerance is not below n/2
     */
    public ReplicatedStore(List<? extends KeyValueStore> stores, ReplicationOptions options) {
        this(stores, options, Variant.CORRECT);
    }

    /** Tests pass a deliberately broken {@code variant} to show the history checks catch it. */
    ReplicatedStore(List<? extends KeyValueStore> stores, ReplicationOptions options, Variant variant) {
        this(stores, options, variant, Environment.SYSTEM);
    }

    /** Tests also pass virtual time and seeded client ids, so a randomized history replays from its seed. */
    ReplicatedStore(List<? extends KeyValueStore> stores, ReplicationOptions options, Variant variant, Environment environment) {
        requireNonNull(stores, "stores");
        this.environment = requireNonNull(environment, "environment");
        this.options = requireNonNull(options, "options");
        this.variant = requireNonNull(variant, "variant");
        int t = options.faultToleranceFor(stores.size());
        this.quorum = stores.size() - t;
        int k = options.dataFragments();
        if (k > stores.size() - 2 * t) {
            throw new IllegalArgumentException("erasure coding with k=" + k + " data fragments needs k <= n - 2t = "
                    + (stores.size() - 2 * t) + " for n=" + stores.size() + " stores and t=" + t
                    + ", so a write's and a read's quorums share k fragments; lower k or t, or add stores");
        }
        this.encoding = variant.encoding(k == 0
                ? new Replicating(stores.size(), quorum, options.inlineMaxBytes())
                : new ErasureCoding(k, stores.size(), quorum));
        List<StoreLane> lanes = new ArrayList<>();
        for (KeyValueStore store : stores) {
            lanes.add(new StoreLane(lanes.size(), store, environment.laneExecutor(lanes.size(), store, options),
                    options.maxPendingBytesPerStore()));
        }
        this.lanes = List.copyOf(lanes);
        this.name = "replicated[" + stores.stream().map(KeyValueStore::name).collect(Collectors.joining(",")) + "]";
        this.guard = new CloseGuard(name);
        this.clientId = environment.newClientId();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(String key, byte[] value) {
        requireNonNull(value, "value");
        write(key, Kind.VALUE, value.clone());
    }

    @Override
    public Optional<byte[]> get(String key) {
        Versioned read = read(key);
        return read.kind() == Kind.VALUE ? Optional.of(read.value()) : Optional.empty();
    }

    /** Writes a tombstone: a remove has a write's guarantees, and a later read answers not-found. */
    @Override
    public void remove(String key) {
        write(key, Kind.TOMBSTONE, new byte[0]);
    }

    /**
     * The keys whose newest version listed at a quorum is a value (docs/algorithm.md, Remove and list). Per key as safe as a
     * read; not a snapshot across keys.
     */
    @Override
    public List<String> list(String prefix) {
        StoreKeys.checkPrefix(prefix);
        guard.ensureOpen();
        String storePrefix = KeyLayout.escape(prefix);
        Object monitor = new Object();
        Phase<List<String>> listing = new Phase<>(monitor, lanes, lane -> call(lane, store -> listKeys(store, storePrefix)));
        awaitQuorum(monitor, listing, "list prefix '" + prefix + "'");
        Map<String, Listed> newest = new HashMap<>();
        for (List<String> keys : listing.answers()) {
            if (keys == null) {
                continue;
            }
            for (String storeKey : keys) {
                KeyLayout.parse(storeKey).filter(encoding::announces).ifPresent(version -> newest.merge(version.key(), version,
                        (a, b) -> a.ts().compareTo(b.ts()) >= 0 ? a : b));
            }
        }
        return newest.values().stream().filter(t -> t.kind() == Kind.VALUE).map(Listed::key).sorted().toList();
    }

    // -------------------------------------------------------------------------------------------- fencing

    /**
     * Takes {@code key} over as its only writer (docs/algorithm.md, Fencing): reads it, takes an epoch E one above
     * the highest epoch the read saw, and writes the value read (a tombstone if the key was absent) again with
     * timestamp (E &lt;&lt; 32, this instance). From then on, fenced writes of any writer holding an older epoch
     * abort, and so do those of another writer that took the same epoch concurrently. Unfenced writes of the
     * key should stop: they would fence off the holder.
     *
     * @return the fence to pass to {@link #putFenced} and {@link #removeFenced}, with the value the holder resumes from
     * @throws IllegalStateException if the key's epochs are exhausted (2^31 - 1 takeovers)
     */
    @Override
    public Fence takeover(String key) {
        AtomicReference<Timestamp> seen = new AtomicReference<>(Timestamp.ZERO);
        Versioned read = read(key, ts -> seen.accumulateAndGet(ts, (a, b) -> a.compareTo(b) >= 0 ? a : b));
        long epoch = seen.get().epoch() + 1;
        if (epoch > Timestamp.MAX_EPOCH) {
            throw new IllegalStateException(name + ": '" + key + "' was taken over " + Timestamp.MAX_EPOCH + " times; no epoch is left");
        }
        Timestamp ts = new Timestamp(epoch << Timestamp.EPOCH_SHIFT, clientId);
        write(key, read.kind(), read.kind() == Kind.VALUE ? read.value() : new byte[0], (max, views) -> ts);
        return new Fence(key, epoch, clientId, read.value());
    }

    /**
     * Writes {@code value} under {@code key} with a timestamp of the fence's epoch E, unless the key shows that
     * another writer took over: a version of a higher epoch, or of epoch E from another writer. {@code key} may
     * be the fence's own key or another key the same owner writes (a partition's segments, fenced by the
     * takeover of its index): a key not yet written in epoch E gets timestamp (E &lt;&lt; 32, this instance),
     * so a zombie's later write to it aborts too. Fenced writes of one fence may run concurrently, of one key too:
     * each takes a counter of its own.
     *
     * @throws FencedException if another writer took over (nothing was written); not retriable
     * @throws IllegalArgumentException if the fence was taken by another instance
     * @throws IllegalStateException if the fence's 2^32 - 1 writes are used up (take the fence's key over again),
     *     or the store is closed
     */
    @Override
    public void putFenced(String key, byte[] value, Fence fence) {
        requireNonNull(value, "value");
        writeFenced(key, Kind.VALUE, value.clone(), fence);
    }

    /** Removes {@code key} (writes a tombstone) if this instance still holds {@code fence}; fails as {@link #putFenced}. */
    @Override
    public void removeFenced(String key, Fence fence) {
        writeFenced(key, Kind.TOMBSTONE, new byte[0], fence);
    }

    private void writeFenced(String key, Kind kind, byte[] value, Fence fence) {
        requireNonNull(fence, "fence");
        if (!fence.clientId().equals(clientId)) {
            throw new IllegalArgumentException(fence + " was taken by another store instance; it cannot write '" + key + "' at " + name);
        }
        write(key, kind, value, (max, views) -> {
            // Exclusive: any version of a higher epoch, or of this epoch by another writer, means the key is lost.
            views.stream().flatMap(View::timestamps)
                    .filter(ts -> ts.epoch() > fence.epoch() || (ts.epoch() == fence.epoch() && !ts.clientId().equals(clientId)))
                    .findFirst()
                    .ifPresent(ts -> {
                        throw new FencedException(name, key, fence.epoch(), ts.epoch());
                    });
            long counter = fence.nextCounter(max.counter());
            if (counter < 0) {
                throw new IllegalStateException(name + ": " + fence + " used up the " + Timestamp.MAX_SEQUENCE
                        + " writes of its epoch; take '" + fence.key() + "' over again for a new epoch");
            }
            return new Timestamp(counter, clientId);
        });
    }

    /**
     * Closes every store. Calls in flight are abandoned, and operations in flight end at once with the
     * closed-store {@link IllegalStateException} (a write may or may not have taken effect). Idempotent.
     */
    @Override
    public void close() {
        if (guard.close()) {
            lanes.forEach(StoreLane::shutdown);
            lanes.forEach(lane -> lane.store().close());
        }
    }

    @Override
    public String toString() {
        return "ReplicatedStore[" + name + ", quorum " + quorum + " of " + lanes.size() + ", " + options.semantics() + "]";
    }

    /** Waits until every store call, GC and repair this instance started has finished; false on timeout. */
    boolean awaitBackgroundWork(Duration timeout) throws InterruptedException {
        return background.awaitDrained(timeout);
    }

    /** Put payload bytes store {@code store} holds for calls not yet finished; see {@link StoreLane}. */
    long pendingBytes(int store) {
        return lanes.get(store).pendingBytes();
    }

    /** Read rounds so far, across all reads: more rounds than reads means reads raced writes. */
    long readRounds() {
        return readRounds.sum();
    }

    String clientId() {
        return clientId;
    }

    // ---------------------------------------------------------------------------------------------- write

    /** An unfenced write: one above the highest timestamp listed. */
    Timestamp write(String key, Kind kind, byte[] value) {
        return write(key, kind, value, (max, views) -> nextTimestamp(max));
    }

    /** How a write picks its timestamp from what its collect step saw: the highest timestamp and each store's view. */
    private interface Stamp {
        Timestamp pick(Timestamp max, List<View> views);
    }

    /** docs/algorithm.md, Write: collect, temporary copy, commit copy, then GC in the background. */
    private Timestamp write(String key, Kind kind, byte[] value, Stamp stamp) {
        String escaped = escapedKey(key);
        guard.ensureOpen();
        Object monitor = new Object();
        String what = (kind == Kind.VALUE ? "put '" : "remove '") + key + "'";

        Collect collect = collect(monitor, escaped);
        awaitQuorum(monitor, collect.views, what + " (collect timestamps)");
        List<View> views = collect.views.answers().stream().filter(Objects::nonNull).toList();
        Timestamp max = views.stream().map(View::max).max(Timestamp::compareTo).orElse(Timestamp.ZERO);
        Timestamp ts = stamp.pick(max, views);
        Blob blob = Blob.full(kind, ts, value);
        byte[][] temporaries = encoding.temporaries(blob);
        String temporaryKey = KeyLayout.temporaryKey(escaped, ts, kind);
        Encoding.Put commit = encoding.commit(escaped, blob, temporaries);

        CompletableFuture<Void> committed = new CompletableFuture<>();
        CompletableFuture<Phase<Void>> commitPhase = new CompletableFuture<>();
        try {
            Phase<Void> temporary = put(monitor, temporaryKey, temporaries);
            Encoding.CommitCopy schedule = encoding.commitCopy(blob);
            Phase<Void> early = schedule == Encoding.CommitCopy.WITH_TEMPORARIES ? put(monitor, commit.key(), commit.perStore()) : null;
            collectGarbage(escaped, collect, temporary, commitPhase, ts, committed);
            int temporaryAcks = variant.temporaryAcks(quorum);
            await(monitor, () -> temporary.successes() >= temporaryAcks, temporary, temporaryAcks,
                    what + " (temporary copy " + temporaryKey + ")");
            Phase<Void> commitCopy = early != null ? early : put(monitor, commit.key(), commit.perStore());
            commitPhase.complete(commitCopy);
            int commitAcks = schedule == Encoding.CommitCopy.AFTER_RETURN ? 0 : variant.commitAcks(quorum);
            await(monitor, () -> commitCopy.successes() >= commitAcks, commitCopy, commitAcks,
                    what + " (commit copy " + commit.key() + ")");
            committed.complete(null);
            return ts;
        } catch (RuntimeException e) {
            commitPhase.cancel(false);
            committed.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * A timestamp above {@code seen} that no other write of this instance uses: threads sharing one instance
     * (one client id) may write one key at once, and two writes with one timestamp would share a temporary
     * key. Counters only need to grow per key, so skipping values is harmless.
     */
    private Timestamp nextTimestamp(Timestamp seen) {
        long counter = lastCounter.updateAndGet(last -> Math.addExact(Math.max(last, seen.counter()), 1));
        return new Timestamp(counter, clientId);
    }

    /**
     * Phase 4: at each store, once its phase-1 list has arrived (also after the write returned) and the
     * encoding lets GC run there, remove the versions that list showed below {@code ts}. Only keys this
     * writer saw and superseded; never the eternal key. Best effort: a failed remove is left for the next
     * writer's GC.
     */
    private void collectGarbage(String escaped, Collect collect, Phase<Void> temporary, CompletableFuture<Phase<Void>> commit,
            Timestamp ts, CompletableFuture<Void> committed) {
        for (StoreLane lane : lanes) {
            int store = lane.index();
            CompletableFuture<?> ready = encoding.collectable(committed, temporary.future(store),
                    commit.thenCompose(phase -> phase.future(store)));
            background.track(collect.lists.get(store).thenCombine(ready, (listed, ignored) -> listed)
                    .thenCompose(listed -> CompletableFuture.allOf(listed.stream()
                            .filter(old -> old.ts().compareTo(ts) < 0)
                            .map(old -> call(lane, s -> {
                                s.remove(old.storeKey());
                                return null;
                            }))
                            .toArray(CompletableFuture[]::new))));
        }
    }

    // ----------------------------------------------------------------------------------------------- read

    Versioned read(String key) {
        return read(key, ts -> {});
    }

    /**
     * docs/algorithm.md, Read, plus the write-back of Atomic reads; tells {@code seen} the highest timestamp each
     * store showed in each round.
     */
    private Versioned read(String key, Consumer<Timestamp> seen) {
        String escaped = escapedKey(key);
        guard.ensureOpen();
        Object monitor = new Object();
        String what = "get '" + key + "'";
        Fetch fetch = new Fetch(monitor);
        Prefetch prefetch = null;
        try {
            for (int round = 1; round <= options.maxReadRounds(); round++) {
                readRounds.increment();
                prefetch = new Prefetch(monitor, escaped);
                Collect collect = collect(monitor, escaped, prefetch::eternalArrived);
                await(monitor, () -> collect.views.successes() >= quorum || fetch.found() != null, collect.views, quorum,
                        what + " (round " + round + ": list versions)");
                if (fetch.found() != null) {
                    prefetch.decided(null);
                    return finishRead(monitor, escaped, fetch.found(), List.of(), what);
                }
                List<View> views = collect.views.answers().stream().filter(Objects::nonNull).toList();
                views.forEach(view -> seen.accept(view.max()));
                Encoding.Target target = encoding.target(views);
                Phase<Blob> prefetched = prefetch.decided(target);
                if (target instanceof Encoding.Absent) {
                    return Versioned.NEVER_WRITTEN;
                }
                if (target instanceof Encoding.InHand inHand) {
                    return finishRead(monitor, escaped, inHand.version(), views, what);
                }
                Encoding.Fetch version = (Encoding.Fetch) target;
                String temporaryKey = KeyLayout.temporaryKey(escaped, version.ts(), version.kind());
                Phase<Blob> gets = prefetched != null ? prefetched : fetchTemporary(monitor, escaped, version);
                for (StoreLane lane : lanes) {
                    CompletableFuture<Blob> answer = gets.future(lane.index());
                    answer.thenAccept(blob -> {
                        if (blob != null) {
                            fetch.offer(lane.index(), blob);
                        }
                    });
                    repairIfCorrupt(lane, temporaryKey, version.ts(), answer, fetch);
                }
                // Look again once a quorum answered without enough pieces of the version between them (a
                // completed, uncollected version has them among any quorum), or once too few stores are left
                // to hold enough.
                int needed = encoding.piecesNeeded();
                BooleanSupplier roundOver = () -> {
                    long absent = gets.answers().stream().filter(blob -> blob == null).count() - (lanes.size() - gets.successes());
                    return gets.successes() >= quorum || absent > lanes.size() - needed;
                };
                await(monitor, () -> fetch.found() != null || roundOver.getAsBoolean(), gets, quorum,
                        what + " (round " + round + ": fetch " + temporaryKey + ")");
                if (fetch.found() != null) {
                    return finishRead(monitor, escaped, fetch.found(), views, what);
                }
                // The version is gone at a quorum: a newer write completed meanwhile. Look again; never fall
                // back to a lower version (a concurrent GC may have left a superseded one).
            }
        } finally {
            fetch.end();
            if (prefetch != null) {
                prefetch.decided(null); // a late eternal copy starts no fetch for a read that is over
            }
        }
        throw new ContentionException(name + ": " + what + " gave up after " + options.maxReadRounds()
                + " rounds: writes to the key kept completing during each round; retry later");
    }

    /** Asks every store for the temporary key of {@code version}; an answer is null where the store does not hold it. */
    private Phase<Blob> fetchTemporary(Object monitor, String escaped, Encoding.Fetch version) {
        String temporaryKey = KeyLayout.temporaryKey(escaped, version.ts(), version.kind());
        return new Phase<>(monitor, lanes, lane -> call(lane, store -> getTemporary(store, lane.index(), temporaryKey, version)));
    }

    /**
     * The fetch one read round starts before it has decided (docs/algorithm.md, Read): the first thin eternal
     * copy a store answers names the temporary key the round will most likely go for, so its gets go out at
     * once, beside the lists still running. The round uses them only if the read rule, applied to the quorum's
     * answers, chooses exactly that version; otherwise they are left to finish unread. At most one per round.
     */
    private final class Prefetch {
        private final Object monitor;
        private final String escaped;
        private Encoding.Fetch version;
        private Phase<Blob> gets;
        private boolean decided;

        Prefetch(Object monitor, String escaped) {
            this.monitor = monitor;
            this.escaped = escaped;
        }

        void eternalArrived(Blob eternal) {
            if (eternal.form() != Blob.Form.THIN) {
                return;
            }
            synchronized (monitor) {
                if (!decided && version == null) {
                    version = new Encoding.Fetch(eternal.ts(), eternal.kind());
                    gets = fetchTemporary(monitor, escaped, version);
                }
            }
        }

        /** Ends speculation for the round, which goes for {@code target}: the gets already asked for it, or null. */
        Phase<Blob> decided(Encoding.Target target) {
            synchronized (monitor) {
                decided = true;
                return version != null && version.equals(target) ? gets : null;
            }
        }
    }

    /** Atomic semantics: make sure a quorum lists {@code found} before returning it (docs/algorithm.md, Atomic reads). */
    private Versioned finishRead(Object monitor, String escaped, Blob found, List<View> views, String what) {
        if (options.semantics() == Semantics.ATOMIC) {
            encoding.writeBack(escaped, found, views).ifPresent(writeBack ->
                    awaitQuorum(monitor, put(monitor, writeBack.key(), writeBack.perStore()), what + " (write back " + writeBack.key() + ")"));
        }
        return new Versioned(found.ts(), found.kind(), found.kind() == Kind.VALUE ? found.payload() : null);
    }

    /**
     * Read-repair: once the read has a good copy of {@code temporaryKey}, rewrite it at a store that
     * answered with corrupt bytes for it. Asynchronous and best effort.
     */
    private void repairIfCorrupt(StoreLane lane, String temporaryKey, Timestamp ts, CompletableFuture<Blob> answer, Fetch fetch) {
        background.track(answer.handle((blob, error) -> error != null && Phase.isCorruption(error))
                .thenCombine(fetch.result, (corrupt, good) -> corrupt && good != null && good.ts().equals(ts) ? good : null)
                .thenCompose(good -> {
                    if (good == null) {
                        return CompletableFuture.completedFuture(null);
                    }
                    LOG.info("{}: read-repair of {} at store '{}', which returned corrupt bytes", name, temporaryKey, lane.name());
                    byte[] encoded = encoding.temporaries(good)[lane.index()];
                    return call(lane, encoded.length, store -> put(store, temporaryKey, encoded)).exceptionally(e -> {
                        LOG.warn("{}: read-repair of {} at store '{}' failed: {}", name, temporaryKey, lane.name(), e.toString());
                        return null;
                    });
                }));
    }

    /**
     * The value found for one read, from any round's fetch (an answer that arrives late still ends the
     * read): pieces are gathered per version across rounds until enough of one version rebuild it.
     */
    private final class Fetch {
        private final Object monitor;
        private final Map<Timestamp, Map<Integer, Blob>> pieces = new HashMap<>();
        final CompletableFuture<Blob> result = new CompletableFuture<>();

        Fetch(Object monitor) {
            this.monitor = monitor;
        }

        void offer(int store, Blob blob) {
            synchronized (monitor) {
                Map<Integer, Blob> ofVersion = pieces.computeIfAbsent(blob.ts(), ts -> new HashMap<>());
                ofVersion.put(store, blob);
                if (ofVersion.size() >= encoding.piecesNeeded() && !result.isDone()) {
                    result.complete(encoding.decode(ofVersion));
                }
                monitor.notifyAll();
            }
        }

        Blob found() {
            return result.getNow(null);
        }

        /** Lets waiting repairs finish once the read is over, found or not. */
        void end() {
            result.complete(null);
        }
    }

    // ------------------------------------------------------------------------------------ shared helpers

    /** One collect step: per store, the list (GC needs it alone) and the list combined with the eternal copy. */
    private record Collect(List<CompletableFuture<List<Listed>>> lists, Phase<View> views) {}

    private Collect collect(Object monitor, String escaped) {
        return collect(monitor, escaped, eternal -> {});
    }

    /** A collect step that also tells {@code eternalArrived} each eternal copy as soon as its store answers. */
    private Collect collect(Object monitor, String escaped, Consumer<Blob> eternalArrived) {
        String eternalKey = KeyLayout.eternalKey(escaped);
        List<CompletableFuture<List<Listed>>> lists = new ArrayList<>();
        Phase<View> views = new Phase<>(monitor, lanes, lane -> {
            CompletableFuture<List<Listed>> listed = call(lane, store -> parseListing(store, escaped));
            lists.add(listed);
            if (!encoding.readsEternal()) {
                return listed.thenApply(versions -> new View(versions, null));
            }
            CompletableFuture<Blob> eternal = call(lane, store -> getEternal(store, eternalKey)).thenApply(blob -> {
                if (blob != null) {
                    eternalArrived.accept(blob);
                }
                return blob;
            });
            return listed.thenCombine(eternal, View::new);
        });
        return new Collect(lists, views);
    }

    /**
     * The versions one store lists for a register: its temporary keys and markers. Only keys of this register:
     * esc(K) never contains '/', so the prefix cannot match another key's. A layout without eternal keys lists
     * the whole register, so that it notices an eternal key it cannot read ({@link #listKeys}).
     */
    private List<Listed> parseListing(KeyValueStore store, String escaped) {
        List<Listed> versions = new ArrayList<>();
        String prefix = encoding.readsEternal() ? KeyLayout.versionPrefix(escaped) : KeyLayout.registerPrefix(escaped);
        for (String storeKey : listKeys(store, prefix)) {
            KeyLayout.parse(storeKey).ifPresent(versions::add);
        }
        return versions;
    }

    /**
     * The store keys under {@code prefix} at {@code store}. A layout without eternal keys cannot read a key that
     * has one: it was written by the first erasure layout (blob format version 1), whose versions carry no
     * commit marker. Like corruption, waiting does not heal that, so the operation fails with this message.
     */
    private List<String> listKeys(KeyValueStore store, String prefix) {
        List<String> keys = store.list(prefix);
        if (!encoding.readsEternal()) {
            keys.stream().filter(KeyLayout::isEternalKey).findFirst().ifPresent(eternalKey -> {
                throw new StoreCorruptionException("store '" + store.name() + "', key " + eternalKey + ": an eternal key,"
                        + " which the erasure layout with commit markers never writes: the key was written by the first"
                        + " erasure layout (blob format version 1), which this release does not read; read the key with"
                        + " the release that wrote it and rewrite it");
            });
        }
        return keys;
    }

    private static Blob getEternal(KeyValueStore store, String eternalKey) {
        Optional<byte[]> bytes = store.get(eternalKey);
        if (bytes.isEmpty()) {
            return null;
        }
        String where = "store '" + store.name() + "', key " + eternalKey;
        Blob blob = Blob.decode(bytes.get(), where);
        if (blob.form() != Blob.Form.FULL && blob.form() != Blob.Form.THIN) {
            throw new StoreCorruptionException(where + ": an eternal copy holds " + blob);
        }
        return blob;
    }

    /** The blob under a temporary key, null if absent; a blob that disagrees with its key or its store is corrupt. */
    private Blob getTemporary(KeyValueStore store, int storeIndex, String temporaryKey, Encoding.Fetch expected) {
        Optional<byte[]> bytes = store.get(temporaryKey);
        if (bytes.isEmpty()) {
            return null;
        }
        String where = "store '" + store.name() + "', key " + temporaryKey;
        Blob blob = Blob.decode(bytes.get(), where);
        if (!blob.ts().equals(expected.ts()) || blob.kind() != expected.kind() || !encoding.fits(blob, storeIndex)) {
            throw new StoreCorruptionException(where + ": blob header " + blob + " does not match its key");
        }
        return blob;
    }

    /** Puts {@code perStore[i]} under {@code key} at each store i. */
    private Phase<Void> put(Object monitor, String key, byte[][] perStore) {
        return new Phase<>(monitor, lanes, lane -> {
            byte[] bytes = perStore[lane.index()];
            return call(lane, bytes.length, store -> put(store, key, bytes));
        });
    }

    private static Void put(KeyValueStore store, String key, byte[] bytes) {
        store.put(key, bytes);
        return null;
    }

    private <T> CompletableFuture<T> call(StoreLane lane, Function<KeyValueStore, T> call) {
        return call(lane, 0, call);
    }

    private <T> CompletableFuture<T> call(StoreLane lane, long payloadBytes, Function<KeyValueStore, T> call) {
        return background.track(lane.call(payloadBytes, call));
    }

    private String escapedKey(String key) {
        StoreKeys.check(key);
        String escaped = KeyLayout.escape(key);
        if (escaped.length() + VERSION_SUFFIX_BYTES > StoreKeys.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is too long to replicate: escaped, it takes " + escaped.length()
                    + " bytes plus " + VERSION_SUFFIX_BYTES + " for the version, more than the "
                    + StoreKeys.MAX_KEY_BYTES + " a store allows: " + key);
        }
        return escaped;
    }

    private void awaitQuorum(Object monitor, Phase<?> phase, String what) {
        await(monitor, () -> phase.successes() >= quorum, phase, quorum, what);
    }

    /** Fails an operation {@code what} that was in flight when the store closed, naming the store. */
    private void ensureOpen(String what) {
        try {
            guard.ensureOpen();
        } catch (IllegalStateException closed) {
            throw new IllegalStateException(closed.getMessage() + ": " + what + " was cut short", closed);
        }
    }

    /**
     * Waits until {@code done}, or fails once the phase can no longer get {@code needed} answers or the
     * phase timeout passed. Never waits for any particular store.
     */
    private void await(Object monitor, BooleanSupplier done, Phase<?> phase, int needed, String what) {
        Duration timeout = options.phaseTimeout();
        long deadline = environment.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (!done.getAsBoolean()) {
                ensureOpen(what);
                long left = deadline - environment.nanoTime();
                if (phase.corruptions() > lanes.size() - needed) {
                    // Bad bytes do not heal by waiting: a clear, non-retriable error, never a guess.
                    throw new StoreCorruptionException(name + ": " + what + " failed: " + phase.corruptions() + " of "
                            + lanes.size() + " stores hold corrupt data, so " + needed + " good answers cannot be had: "
                            + phase.failureReport(timeout));
                }
                if (phase.failures() > lanes.size() - needed) {
                    throw new StoreUnavailableException(name + ": " + what + " failed: only " + (lanes.size() - phase.failures())
                            + " of " + lanes.size() + " stores could still answer, " + needed + " needed: "
                            + phase.failureReport(timeout));
                }
                if (left <= 0) {
                    throw new StoreUnavailableException(name + ": " + what + " failed: no " + needed + " answers within "
                            + timeout + ", " + phase.successes() + " of " + lanes.size() + " stores answered; "
                            + phase.failureReport(timeout));
                }
                try {
                    environment.await(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException(name + ": " + what + " interrupted", e);
                }
            }
        }
    }
}
