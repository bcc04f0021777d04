package io.mcst.replication;

import io.mcst.replication.KeyLayout.Listed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Deliberate bugs, passed to {@link ReplicatedStore} through its {@link Variant} seam: each test shows the
 * history checker catches the broken variant, which is the evidence that the checker can fail at all.
 */
enum Mutation implements Variant {
    NONE,
    /** Atomic reads skip the write-back: allows a new/old inversion between two reads. */
    NO_WRITE_BACK {
        @Override
        public Encoding encoding(Encoding correct) {
            return new Forwarding(correct) {
                @Override
                public Optional<Put> writeBack(String escapedKey, Blob found, List<View> views) {
                    return Optional.empty();
                }
            };
        }
    },
    /** Reads return the newest eternal copy of a read quorum and ignore temporary keys (the wrong shortcut (b) of the read rule). */
    TRUST_ETERNAL {
        @Override
        public Encoding encoding(Encoding correct) {
            return new Forwarding(correct) {
                @Override
                public Target target(List<View> views) {
                    Blob newest = null;
                    for (View view : views) {
                        if (view.eternal() != null && (newest == null || view.eternal().ts().compareTo(newest.ts()) > 0)) {
                            newest = view.eternal();
                        }
                    }
                    return Replicating.eternalTarget(newest);
                }
            };
        }
    },
    /** Writes return once the temporary copy reached a quorum, while the eternal copy is still in flight. */
    RETURN_BEFORE_ETERNAL_QUORUM {
        @Override
        public int commitAcks(int quorum) {
            return 0;
        }
    },
    /**
     * Garbage collection at a store runs once the write completed, without waiting for that store's ack of the
     * write's own temporary key: the GC rule's schedule then reads a value older than a completed write.
     */
    GC_BEFORE_OWN_ACK {
        @Override
        public Encoding encoding(Encoding correct) {
            return new Forwarding(correct) {
                @Override
                public CompletableFuture<?> collectable(CompletableFuture<?> committed, CompletableFuture<?> temporaryAck,
                        CompletableFuture<?> commitAck) {
                    return committed;
                }
            };
        }
    },
    /** Writes never collect garbage: superseded versions pile up at every store, against the space bound. */
    NEVER_COLLECTS {
        @Override
        public Encoding encoding(Encoding correct) {
            return new Forwarding(correct) {
                @Override
                public CompletableFuture<?> collectable(CompletableFuture<?> committed, CompletableFuture<?> temporaryAck,
                        CompletableFuture<?> commitAck) {
                    return new CompletableFuture<>();
                }
            };
        }
    },
    /**
     * Erasure-coded reads go for the highest listed fragment set instead of the highest commit marker: a
     * crashed writer's partial set, which never got a marker, then stalls reads.
     */
    HIGHEST_FRAGMENT_SET {
        @Override
        public Encoding encoding(Encoding correct) {
            return new Forwarding(correct) {
                @Override
                public Target target(List<View> views) {
                    Listed newest = null;
                    for (View view : views) {
                        for (Listed listed : view.listed()) {
                            if (!listed.marker() && (newest == null || listed.ts().compareTo(newest.ts()) > 0)) {
                                newest = listed;
                            }
                        }
                    }
                    return newest == null ? new Absent() : new Fetch(newest.ts(), newest.kind());
                }
            };
        }
    },
    /**
     * Every commit copy goes out with the temporary copies, also one that only names them (a thin eternal, a
     * commit marker): a crashed writer's copy then names a version no store may hold, and reads stall on it.
     */
    COMMIT_WITH_TEMPORARIES {
        @Override
        public Encoding encoding(Encoding correct) {
            return new Forwarding(correct) {
                @Override
                public CommitCopy commitCopy(Blob version) {
                    return CommitCopy.WITH_TEMPORARIES;
                }
            };
        }
    },
    /** Writes return once one store acknowledged each copy, not a quorum. */
    RETURN_AFTER_ONE_ACK {
        @Override
        public int temporaryAcks(int quorum) {
            return 1;
        }

        @Override
        public int commitAcks(int quorum) {
            return 1;
        }
    };

    /** An encoding that does what the correct one does, except where a mutant overrides it. */
    private static class Forwarding implements Encoding {
        private final Encoding correct;

        Forwarding(Encoding correct) {
            this.correct = correct;
        }

        @Override
        public boolean readsEternal() {
            return correct.readsEternal();
        }

        @Override
        public byte[][] temporaries(Blob version) {
            return correct.temporaries(version);
        }

        @Override
        public boolean fits(Blob fetched, int store) {
            return correct.fits(fetched, store);
        }

        @Override
        public Put commit(String escapedKey, Blob version, byte[][] temporaries) {
            return correct.commit(escapedKey, version, temporaries);
        }

        @Override
        public CommitCopy commitCopy(Blob version) {
            return correct.commitCopy(version);
        }

        @Override
        public CompletableFuture<?> collectable(CompletableFuture<?> committed, CompletableFuture<?> temporaryAck, CompletableFuture<?> commitAck) {
            return correct.collectable(committed, temporaryAck, commitAck);
        }

        @Override
        public boolean announces(Listed listed) {
            return correct.announces(listed);
        }

        @Override
        public Target target(List<View> views) {
            return correct.target(views);
        }

        @Override
        public int piecesNeeded() {
            return correct.piecesNeeded();
        }

        @Override
        public Blob decode(Map<Integer, Blob> pieces) {
            return correct.decode(pieces);
        }

        @Override
        public Optional<Put> writeBack(String escapedKey, Blob found, List<View> views) {
            return correct.writeBack(escapedKey, found, views);
        }
    }
}
