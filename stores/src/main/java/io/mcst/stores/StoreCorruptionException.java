package io.mcst.stores;

/**
 * The store answered, but with bytes that fail an integrity check (checksum, header, authentication tag).
 * Never the same as not-found: a replicated store counts it as "no answer" from that replica, so
 * corruption can never hide a version.
 */
public class StoreCorruptionException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreCorruptionException(String message) {
        super(message);
    }

    public StoreCorruptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
