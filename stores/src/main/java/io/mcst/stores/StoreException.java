package io.mcst.stores;

/**
 * A store failed in a way retrying will not fix: bad credentials, a missing bucket, a rejected key. The
 * message names the store and, where one is known, the fix. Subclasses mark the failures that differ.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
