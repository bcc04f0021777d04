package io.mcst.stores;

import java.util.List;
import java.util.Optional;

/**
 * A commodity key-value store of whole blobs: the whole contract the replication algorithm assumes of a
 * cloud (Băsescu et al., DSN 2012), and the one interface every adapter and every layer implements.
 *
 * <p>Keep this interface small. Anything that can be built from these five operations belongs in a
 * layer or a helper, not here: each new method is a method every cloud adapter and every layer must get
 * right.
 *
 * <ul>
 *   <li>Keys are non-empty UTF-8 strings of at most {@link StoreKeys#MAX_KEY_BYTES} bytes that may contain
 *       {@code /}; each adapter maps them to what its backend allows, reversibly. See {@link StoreKeys}.
 *   <li>Each call is atomic at this store: a reader sees a whole value or none, never a torn one.
 *   <li>Not-found is a value ({@link Optional#empty()}), never an exception. Removing a missing key is a
 *       no-op.
 *   <li>Failures are typed: {@link StoreUnavailableException} (transient or down; retrying may help),
 *       {@link StoreCorruptionException} (the bytes failed an integrity check), and {@link StoreException}
 *       for the rest (bad credentials, missing bucket: retrying will not help). Calling a closed store
 *       throws {@link IllegalStateException}.
 *   <li>Implementations are safe for concurrent use by many threads.
 * </ul>
 */
public interface KeyValueStore extends AutoCloseable {

    /** A short name for logs, metrics and error messages, e.g. {@code aws}. */
    String name();

    /** Stores {@code value} under {@code key}, replacing any previous value. */
    void put(String key, byte[] value);

    /** The value stored under {@code key}, or empty if there is none. */
    Optional<byte[]> get(String key);

    /** Removes {@code key}; a no-op if it is absent. */
    void remove(String key);

    /**
     * Every key that starts with {@code prefix} (the empty prefix lists all keys), in no particular order.
     * Reads no values and follows every page of the backend's listing.
     */
    List<String> list(String prefix);

    /** Releases the store's resources; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
