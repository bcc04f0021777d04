package io.mcst.replication;

import io.mcst.replication.KeyLayout.Temporary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Erasure-coded values (docs/algorithm.md, Erasure coding): store i's temporary key holds fragment i of a
 * systematic Reed–Solomon code of the version, any k of which decode; the eternal key is always thin, so no
 * store holds more than its fragment of a value.
 */
final class ErasureCoding implements Encoding {
    private final ReedSolomon code;
    private final int quorum;

    ErasureCoding(ReedSolomon code, int quorum) {
        this.code = code;
        this.quorum = quorum;
    }

    @Override
    public boolean readsEternal() {
        return true;
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

    @Override
    public Put commit(String escapedKey, Blob version, byte[][] temporaries) {
        byte[][] perStore = new byte[temporaries.length][];
        Arrays.fill(perStore, version.thin().encode());
        return new Put(KeyLayout.eternalKey(escapedKey), perStore);
    }

    /** Only at stores that acknowledged this write's own fragment, so a store never drops an older fragment without a newer one. */
    @Override
    public CompletableFuture<?> collectable(CompletableFuture<?> committed, CompletableFuture<?> temporaryAck, CompletableFuture<?> commitAck) {
        return CompletableFuture.allOf(committed, temporaryAck);
    }

    @Override
    public boolean announces(Temporary listed) {
        return true;
    }

    /**
     * The k-th highest of the answering stores' newest listed timestamps, so at least k stores list that version
     * or a newer one. A write that completed before the read has its fragment at a quorum, whose intersection
     * with the read quorum holds at least n − 2t &gt;= k stores, each still listing it or, since GC there waits
     * for the collector's own fragment, a newer version: so the choice is never older than that write. Absent if
     * fewer than k stores list anything (never written).
     */
    @Override
    public Target target(List<View> views) {
        List<Temporary> maxima = new ArrayList<>();
        for (View view : views) {
            view.listed().stream().max((a, b) -> a.ts().compareTo(b.ts())).ifPresent(maxima::add);
        }
        if (maxima.size() < code.dataFragments()) {
            return new Absent();
        }
        maxima.sort((a, b) -> b.ts().compareTo(a.ts()));
        Temporary chosen = maxima.get(code.dataFragments() - 1);
        return new Fetch(chosen.ts(), chosen.kind());
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

    @Override
    public Optional<Put> writeBack(String escapedKey, Blob found, List<View> views) {
        if (Replicating.listedAt(found.ts(), views) >= quorum) {
            return Optional.empty();
        }
        return Optional.of(new Put(KeyLayout.temporaryKey(escapedKey, found.ts(), found.kind()), temporaries(found)));
    }
}
