package io.mcst.stores;

/**
 * The store did not answer, or answered that it cannot serve now: timeouts, refused connections, 5xx,
 * throttling. Transient by definition: a retry, later, may succeed. A replicated store counts it as "no
 * answer" from that replica.
 */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
