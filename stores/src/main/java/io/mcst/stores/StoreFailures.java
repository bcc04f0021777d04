package io.mcst.stores;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * How a cloud adapter turns its SDK's failures into the store's typed errors, the same way for every cloud:
 * throttling, server errors and I/O are {@link StoreUnavailableException} (retry may help); refused
 * credentials, a missing bucket or container and the rest are {@link StoreException} naming the store, the
 * key and the setting to fix. SDK-free: each adapter reads the HTTP status and error code out of its own
 * SDK's exception, and handles its cloud's special answers before it comes here.
 */
public final class StoreFailures {
    private final String store;
    private final String cloud;
    private final String containerKind;
    private final String container;
    private final Set<String> credentialCodes;
    private final Set<String> transientCodes;
    private final String credentialFix;

    /**
     * @param store the store's name
     * @param cloud the cloud as messages name it, e.g. {@code S3}
     * @param containerKind {@code bucket} or {@code container}: the word, and the key {@code store.<name>.<kind>}
     * @param container the bucket's or container's name
     * @param credentialCodes the cloud's error codes for refused credentials, besides HTTP 401 and 403
     * @param transientCodes the cloud's error codes for "try again later", besides 5xx, 429 and 408
     * @param credentialFix what to fix when the credentials are refused, e.g. {@code fix store.aws.access.key.id}
     */
    public StoreFailures(String store, String cloud, String containerKind, String container,
            Set<String> credentialCodes, Set<String> transientCodes, String credentialFix) {
        this.store = requireNonNull(store, "store");
        this.cloud = requireNonNull(cloud, "cloud");
        this.containerKind = requireNonNull(containerKind, "containerKind");
        this.container = requireNonNull(container, "container");
        this.credentialCodes = Set.copyOf(credentialCodes);
        this.transientCodes = Set.copyOf(transientCodes);
        this.credentialFix = requireNonNull(credentialFix, "credentialFix");
    }

    /** Names one call, e.g. {@code store 'aws': get 'k' in bucket 'archive'}. */
    public String call(String operation, String key) {
        return "store '%s': %s '%s' in %s '%s'".formatted(store, operation, key, containerKind, container);
    }

    /** The bucket or container does not exist{@code where} (e.g. {@code " in region 'eu-west-1'"}, or empty). */
    public StoreException missingContainer(String where, Throwable cause) {
        return new StoreException("store '%s': %s '%s' does not exist%s; create it or fix store.%s.%s"
                .formatted(store, containerKind, container, where, store, containerKind), cause);
    }

    /**
     * The cloud answered {@code status} with error {@code code} (null if it sent none): refused credentials,
     * a transient failure, or another error, in that order.
     */
    public StoreException answered(String operation, String key, int status, String code, Throwable cause) {
        // Set.of's contains refuses null: an answer without an error code (a proxy's, a load balancer's) has none.
        if (status == 401 || status == 403 || code != null && credentialCodes.contains(code)) {
            return new StoreException("%s: %s refused the credentials (%d %s); %s"
                    .formatted(call(operation, key), cloud, status, code, credentialFix), cause);
        }
        if (status >= 500 || status == 429 || status == 408 || code != null && transientCodes.contains(code)) {
            return new StoreUnavailableException("%s: %s answered %d %s".formatted(call(operation, key), cloud, status, code), cause);
        }
        return new StoreException("%s: %s answered %d %s: %s"
                .formatted(call(operation, key), cloud, status, code, cause.getMessage()), cause);
    }

    /** The call was interrupted: the flag is set again (an SDK may have cleared it) and the call may be retried. */
    public StoreUnavailableException interrupted(String operation, String key, Throwable cause) {
        Thread.currentThread().interrupt();
        return new StoreUnavailableException(call(operation, key) + ": interrupted", cause);
    }

    /** The cloud did not answer in time, or at all. */
    public StoreUnavailableException noAnswer(String operation, String key, Throwable cause) {
        return new StoreUnavailableException("%s: %s did not answer (%s)".formatted(call(operation, key), cloud, why(cause)), cause);
    }

    /**
     * The first message in {@code e}'s cause chain that says more than the name of the exception it wraps
     * (Azure's refused connection is a {@code ConnectException} without a message, wrapped twice); else the
     * name of the outermost exception that has no message.
     */
    static String why(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !(t.getCause() != null && message.equals(t.getCause().toString()))) {
                return message;
            }
        }
        Throwable unnamed = e;
        while (unnamed.getMessage() != null && unnamed.getCause() != null) {
            unnamed = unnamed.getCause();
        }
        return unnamed.getClass().getSimpleName();
    }

    /**
     * A failure without an answer from the cloud, sorted by its causes: interrupted, no answer (I/O or a
     * timeout), or else the client could not even make the call (e.g. it found no credentials anywhere).
     */
    public StoreException unanswered(String operation, String key, Throwable cause) {
        if (causeOf(cause, InterruptedException.class).isPresent()) {
            return interrupted(operation, key, cause);
        }
        if (causeOf(cause, IOException.class).isPresent() || causeOf(cause, TimeoutException.class).isPresent()) {
            return noAnswer(operation, key, cause);
        }
        return new StoreException(call(operation, key) + ": " + cause.getMessage(), cause);
    }

    /** The first throwable of {@code type} in {@code e}'s cause chain, {@code e} included. */
    public static <T extends Throwable> Optional<T> causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
