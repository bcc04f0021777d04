package io.mcst.replication;

/**
 * Deliberate bugs, for tests only: each test shows the history checker catches the broken variant, which is
 * the evidence that the checker can fail at all. Production code always runs {@link #NONE}.
 */
enum Mutation {
    NONE,
    /** Atomic reads skip the write-back (§5): allows a new/old inversion between two reads. */
    NO_WRITE_BACK,
    /** Reads return the newest eternal copy of a read quorum and ignore temporary keys (§4 shortcut b). */
    TRUST_ETERNAL,
    /** Writes return once the temporary copy reached a quorum, while the eternal copy is still in flight. */
    RETURN_BEFORE_ETERNAL_QUORUM,
    /** Writes return once one store acknowledged each copy, not a quorum. */
    RETURN_AFTER_ONE_ACK
}
