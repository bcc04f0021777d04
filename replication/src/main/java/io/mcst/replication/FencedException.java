package io.mcst.replication;

import io.mcst.stores.StoreException;

/**
 * A fenced write found that another writer took its key over (docs/algorithm.md, Fencing): the stores list a
 * version of a higher epoch, or of the same epoch from another writer. Not retriable: the write did not take
 * effect, and the caller has lost the key; it stops writing it (and may take it over again if it should own it).
 */
public final class FencedException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final long heldEpoch;
    private final long foundEpoch;

    FencedException(String store, String key, long heldEpoch, long foundEpoch) {
        super(store + ": write to '" + key + "' fenced off: this writer holds epoch " + heldEpoch + ", but the stores list "
                + (foundEpoch == heldEpoch ? "epoch " + foundEpoch + " taken by another writer too"
                        : "epoch " + foundEpoch + " of a writer that took the key over")
                + "; stop writing the key, or take it over again");
        this.key = key;
        this.heldEpoch = heldEpoch;
        this.foundEpoch = foundEpoch;
    }

    /** The key the write was for. */
    public String key() {
        return key;
    }

    /** The epoch the aborted writer held. */
    public long heldEpoch() {
        return heldEpoch;
    }

    /** The epoch found at the stores: higher than, or equal to and from another writer than, the held one. */
    public long foundEpoch() {
        return foundEpoch;
    }
}
