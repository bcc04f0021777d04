package io.mcst.cli;

import static java.util.Objects.requireNonNull;

/**
 * One thing {@code verify} found wrong, or worth knowing.
 *
 * @param store the store it concerns, or null when it concerns the archive as a whole
 */
record Finding(Kind kind, String key, String store, String detail) {
    enum Kind {
        STORE_UNREACHABLE(true, "a store did not answer; nothing it holds was checked"),
        REPLICA_MISSING(true, "a store lacks the newest version of a key"),
        REPLICA_CORRUPT(true, "a store's copy fails its checksum or does not match its key"),
        ETERNAL_STALE(true, "a store's commit record (eternal copy; erasure mode: commit marker) is absent, older or unreadable"),
        BELOW_QUORUM(true, "fewer intact copies than a quorum: one more lost store may lose the key"),
        UNREADABLE(true, "no intact copy at any store"),
        SEGMENT_UNREADABLE(true, "the segment cannot be read or decoded through the stack"),
        GAP(true, "offsets between two segments are in neither"),
        OVERLAP(true, "offsets in two segments"),
        INDEX_MISSING(true, "a partition with segments has no index register"),
        INDEX_MISMATCH(true, "the index register disagrees with the segments"),
        SUMMARY_MISSING(true, "a segment has no time index entry"),
        SUMMARY_WRONG(true, "a time index entry disagrees with its segment, or has no segment"),
        NOT_YET_INDEXED(false, "a segment after the index register: being written, or left by a crash (the sink rewrites it)");

        final boolean failing;
        final String meaning;

        Kind(boolean failing, String meaning) {
            this.failing = failing;
            this.meaning = meaning;
        }
    }

    Finding {
        requireNonNull(kind, "kind");
        requireNonNull(key, "key");
        requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return kind + " " + key + (store == null ? "" : " at store '" + store + "'") + ": " + detail;
    }
}
