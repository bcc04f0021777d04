package io.mcst.replication;

import io.mcst.stores.StoreUnavailableException;

/**
 * A read gave up after {@link ReplicationOptions#maxReadRounds()} rounds because writes to its key kept
 * completing under it (docs/algorithm.md, Read). Retriable: the read succeeds once writes to the key pause. Thrown
 * instead of returning a value that might be stale.
 */
public final class ContentionException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;

    public ContentionException(String message) {
        super(message);
    }
}
