package io.mcst.replication;

import io.mcst.replication.KeyLayout.Listed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * How a version sits on the stores: the part of the algorithm that differs between replicating whole values
 * ({@link Replicating}) and erasure-coding them ({@link ErasureCoding}). {@link ReplicatedStore} runs the phases
 * (docs/algorithm.md, Write and Read); an encoding says what goes into them and when a phase's answers suffice.
 */
interface Encoding {
    /**
     * Whether the layout has an eternal key, which each collect step then gets beside listing the versions.
     * A layout without one treats a listed eternal key as another layout's data it cannot read.
     */
    boolean readsEternal();

    /** Phase 2 of a write: the blob store i gets under the version's temporary key, by store index. */
    byte[][] temporaries(Blob version);

    /** Whether {@code fetched}, read under a temporary key at store {@code store}, is what {@link #temporaries} puts there. */
    boolean fits(Blob fetched, int store);

    /** Phase 3 of a write: the key and bytes every store gets once a quorum acknowledged the temporary copies. */
    Put commit(String escapedKey, Blob version, byte[][] temporaries);

    /** When phase 3's copy of {@code version} goes out, and whether the write waits for a quorum of it. */
    CommitCopy commitCopy(Blob version);

    /**
     * Phase 4 of a write: when garbage collection may run at one store, given the write's completion and that
     * store's acknowledgements of the write's phase-2 and phase-3 puts.
     */
    CompletableFuture<?> collectable(CompletableFuture<?> committed, CompletableFuture<?> temporaryAck, CompletableFuture<?> commitAck);

    /** Whether a listed key announces a version that reads and {@code list()} may return. */
    boolean announces(Listed listed);

    /** The version one read round goes for, given what the stores that answered its collect step hold. */
    Target target(List<View> views);

    /** How many fetched pieces of one version (from distinct stores) rebuild it. */
    int piecesNeeded();

    /** The whole version from {@link #piecesNeeded} pieces of it, by store index. */
    Blob decode(Map<Integer, Blob> pieces);

    /**
     * Atomic semantics: what a read puts so a quorum lists {@code found} before the read returns it (docs/algorithm.md,
     * Atomic reads); empty when {@code views} show it listed at a quorum already.
     */
    Optional<Put> writeBack(String escapedKey, Blob found, List<View> views);

    /** How many of {@code views} list a key that, by {@code encoding}, announces the version {@code ts}. */
    static long listedAt(Timestamp ts, Encoding encoding, List<View> views) {
        return views.stream()
                .filter(view -> view.listed().stream().anyMatch(listed -> listed.ts().equals(ts) && encoding.announces(listed)))
                .count();
    }

    /**
     * The schedule of a write's phase 3 (docs/algorithm.md, Write). A copy that names temporary copies (a thin
     * eternal, a commit marker) goes out only once a quorum holds them: a crashed writer's copy naming a version no
     * store holds would stall reads.
     */
    enum CommitCopy {
        /** It holds the whole version (an inline eternal): sent with the temporary copies, one round; the write waits for both. */
        WITH_TEMPORARIES,
        /** It commits the version (a marker): sent once a quorum holds the temporary copies; the write waits for a quorum of it. */
        AFTER_TEMPORARIES,
        /**
         * It only saves readers a round (a thin eternal): sent once a quorum holds the temporary copies, and the
         * write returns without waiting for it.
         */
        AFTER_RETURN
    }

    /** One key put at every store, with the bytes for each store by index. */
    record Put(String key, byte[][] perStore) {}

    /** What one store showed in a collect step: the register's listed versions and its eternal copy (null if none or not read). */
    record View(List<Listed> listed, Blob eternal) {
        /** The timestamps of every listed version and of the eternal copy. */
        Stream<Timestamp> timestamps() {
            return Stream.concat(listed.stream().map(Listed::ts), Stream.ofNullable(eternal).map(Blob::ts));
        }

        Timestamp max() {
            return timestamps().max(Timestamp::compareTo).orElse(Timestamp.ZERO);
        }
    }

    /** What a read round goes for. */
    sealed interface Target {}

    /** No version: the register was never written, as far as any completed write shows. */
    record Absent() implements Target {}

    /** A whole version already in hand from the collect step (an inline eternal copy). */
    record InHand(Blob version) implements Target {}

    /** A version to fetch from its temporary key. */
    record Fetch(Timestamp ts, Kind kind) implements Target {}
}
