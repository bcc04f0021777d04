package io.mcst.replication;

import io.mcst.replication.KeyLayout.Listed;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Whole values at every store (docs/algorithm.md, Write and Read): each temporary key holds the value, the
 * eternal key holds it too, or only its header when the value is larger than the inline limit (a thin
 * eternal), so each store holds a large value once.
 */
final class Replicating implements Encoding {
    private final int stores;
    private final int quorum;
    private final int inlineMaxBytes;

    Replicating(int stores, int quorum, int inlineMaxBytes) {
        this.stores = stores;
        this.quorum = quorum;
        this.inlineMaxBytes = inlineMaxBytes;
    }

    @Override
    public boolean readsEternal() {
        return true;
    }

    @Override
    public byte[][] temporaries(Blob version) {
        byte[][] blobs = new byte[stores][];
        Arrays.fill(blobs, version.encode());
        return blobs;
    }

    @Override
    public boolean fits(Blob fetched, int store) {
        return fetched.form() == Blob.Form.FULL;
    }

    @Override
    public Put commit(String escapedKey, Blob version, byte[][] temporaries) {
        byte[] eternal = inline(version) ? temporaries[0] : version.thin().encode();
        byte[][] perStore = new byte[stores][];
        Arrays.fill(perStore, eternal);
        return new Put(KeyLayout.eternalKey(escapedKey), perStore);
    }

    /**
     * An inline eternal copy carries the value, so it goes out with the temporary copies. A thin one names a
     * temporary key, so it follows a quorum of them; and safety rests on the temporary keys (docs/algorithm.md,
     * Safety), so the write does not wait for it.
     */
    @Override
    public CommitCopy commitCopy(Blob version) {
        return inline(version) ? CommitCopy.WITH_TEMPORARIES : CommitCopy.AFTER_RETURN;
    }

    private boolean inline(Blob version) {
        return version.valueLength() <= inlineMaxBytes;
    }

    /**
     * Once the write completed, and only at a store that acknowledged the write's own temporary key: so a
     * store's highest listed timestamp never decreases, and a reader whose quorum holds stores where
     * successive writers' puts are late still lists a version at least as new as the last completed write.
     */
    @Override
    public CompletableFuture<?> collectable(CompletableFuture<?> committed, CompletableFuture<?> temporaryAck, CompletableFuture<?> commitAck) {
        return CompletableFuture.allOf(committed, temporaryAck);
    }

    /** Every temporary key: a value is written once, whole, under it. */
    @Override
    public boolean announces(Listed listed) {
        return !listed.marker();
    }

    /**
     * The newest listed temporary key, unless the newest eternal copy is as new: then that copy, or, when it is
     * thin, its temporary key. Never a lower temporary key than the newest listed (docs/algorithm.md, Read).
     */
    @Override
    public Target target(List<View> views) {
        Blob eternal = null;
        Listed newest = null;
        for (View view : views) {
            if (view.eternal() != null && (eternal == null || view.eternal().ts().compareTo(eternal.ts()) > 0)) {
                eternal = view.eternal();
            }
            for (Listed temporary : view.listed()) {
                if (newest == null || temporary.ts().compareTo(newest.ts()) > 0) {
                    newest = temporary;
                }
            }
        }
        if (newest != null && (eternal == null || newest.ts().compareTo(eternal.ts()) > 0)) {
            return new Fetch(newest.ts(), newest.kind());
        }
        return eternalTarget(eternal);
    }

    /** What the eternal copy {@code eternal} (null if none) leads a read to. */
    static Target eternalTarget(Blob eternal) {
        if (eternal == null) {
            return new Absent();
        }
        return eternal.form() == Blob.Form.FULL ? new InHand(eternal) : new Fetch(eternal.ts(), eternal.kind());
    }

    @Override
    public int piecesNeeded() {
        return 1;
    }

    @Override
    public Blob decode(Map<Integer, Blob> pieces) {
        return pieces.values().iterator().next();
    }

    @Override
    public Optional<Put> writeBack(String escapedKey, Blob found, List<View> views) {
        if (Encoding.listedAt(found.ts(), this, views) >= quorum) {
            return Optional.empty();
        }
        return Optional.of(new Put(KeyLayout.temporaryKey(escapedKey, found.ts(), found.kind()), temporaries(found)));
    }
}
