package io.mcst.replication;

import io.mcst.replication.KeyLayout.Listed;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Erasure-coded values with commit markers (docs/algorithm.md, Erasure coding). Store i's temporary key holds
 * fragment i of a systematic Reed–Solomon code of the version, any k of which decode. There is no eternal key:
 * once a quorum acknowledged the fragments, the writer puts a header-only commit marker beside them at every
 * store. A read goes for the highest listed marker and gathers k fragments of that version, so a crashed
 * writer's partial fragment set, which never gets a marker, can neither be returned nor stall a read.
 */
final class ErasureCoding implements Encoding {
    private final ReedSolomon code;
    private final int stores;
    private final int quorum;

    ErasureCoding(int dataFragments, int stores, int quorum) {
        this.code = new ReedSolomon(dataFragments, stores);
        this.stores = stores;
        this.quorum = quorum;
    }

    @Override
    public boolean readsEternal() {
        return false;
    }

    @Override
    public byte[][] temporaries(Blob version) {
        byte[][] fragments = code.encode(version.payload());
        byte[][] blobs = new byte[fragments.length][];
        for (int i = 0; i < blobs.length; i++) {
            blobs[i] = new Blob(version.kind(), Blob.Form.FRAGMENT, version.ts(), i, code.dataFragments(),
                    version.valueLength(), fragments[i]).encode();
        }
        return blobs;
    }

    @Override
    public boolean fits(Blob fetched, int store) {
        return fetched.form() == Blob.Form.FRAGMENT && fetched.fragmentIndex() == store
                && fetched.dataFragments() == code.dataFragments()
                && fetched.payload().length == ReedSolomon.fragmentSize(fetched.valueLength(), code.dataFragments());
    }

    /** The commit marker: put only after a quorum holds fragments, so every marker names a committed version. */
    @Override
    public Put commit(String escapedKey, Blob version, byte[][] temporaries) {
        return marker(escapedKey, version);
    }

    /** A marker says that a quorum holds fragments of its version, so it follows them; a read needs it listed at a quorum. */
    @Override
    public CommitCopy commitCopy(Blob version) {
        return CommitCopy.AFTER_TEMPORARIES;
    }

    /**
     * Once the write completed, and only at a store that acknowledged both its fragment and its marker: so at
     * each store the highest marker never decreases, and no store drops an older fragment without a newer one.
     */
    @Override
    public CompletableFuture<?> collectable(CompletableFuture<?> committed, CompletableFuture<?> temporaryAck, CompletableFuture<?> commitAck) {
        return CompletableFuture.allOf(committed, temporaryAck, commitAck);
    }

    /** Only markers: a fragment without one may be a crashed writer's partial version. */
    @Override
    public boolean announces(Listed listed) {
        return listed.marker();
    }

    /**
     * The highest listed marker C; absent if none (no write completed before the read started). A tombstone
     * needs no fragments: the marker says all a read returns.
     */
    @Override
    public Target target(List<View> views) {
        Listed newest = null;
        for (View view : views) {
            for (Listed listed : view.listed()) {
                if (listed.marker() && (newest == null || listed.ts().compareTo(newest.ts()) > 0)) {
                    newest = listed;
                }
            }
        }
        if (newest == null) {
            return new Absent();
        }
        if (newest.kind() == Kind.TOMBSTONE) {
            return new InHand(Blob.full(Kind.TOMBSTONE, newest.ts(), new byte[0]));
        }
        return new Fetch(newest.ts(), newest.kind());
    }

    @Override
    public int piecesNeeded() {
        return code.dataFragments();
    }

    @Override
    public Blob decode(Map<Integer, Blob> pieces) {
        Map<Integer, byte[]> shards = new HashMap<>();
        pieces.forEach((index, fragment) -> shards.put(index, fragment.payload()));
        Blob any = pieces.values().iterator().next();
        return Blob.full(any.kind(), any.ts(), code.decode(shards, any.valueLength()));
    }

    /** The marker, unless a quorum listed it this round; fragments are never written back. */
    @Override
    public Optional<Put> writeBack(String escapedKey, Blob found, List<View> views) {
        if (Encoding.listedAt(found.ts(), this, views) >= quorum) {
            return Optional.empty();
        }
        return Optional.of(marker(escapedKey, found));
    }

    private Put marker(String escapedKey, Blob version) {
        byte[][] perStore = new byte[stores][];
        Arrays.fill(perStore, version.marker().encode());
        return new Put(KeyLayout.markerKey(escapedKey, version.ts(), version.kind()), perStore);
    }
}
