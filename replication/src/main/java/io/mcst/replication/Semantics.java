package io.mcst.replication;

/** The consistency a {@link ReplicatedStore} promises per key (docs/algorithm.md, Read and Atomic reads). */
public enum Semantics {
    /** Linearizable: once a read returned a version, no later read returns an older one. Reads write back. */
    ATOMIC,
    /** A read returns the last version written before it or one written concurrently; reads never write. */
    REGULAR
}
