package io.mcst.replication;

/**
 * The seam through which tests run deliberately broken variants of the algorithm, to show that the history
 * checks can fail at all. Production always uses {@link #CORRECT}; only tests in this package implement it.
 */
interface Variant {
    /** The algorithm as docs/algorithm.md describes it. */
    Variant CORRECT = new Variant() {};

    /** The encoding the store runs, given the correct one. */
    default Encoding encoding(Encoding correct) {
        return correct;
    }

    /** Acknowledgements a write awaits for its temporary copies, given the quorum. */
    default int temporaryAcks(int quorum) {
        return quorum;
    }

    /** Acknowledgements a write awaits for its commit copies (eternal key or marker), given the quorum. */
    default int commitAcks(int quorum) {
        return quorum;
    }
}
