package io.mcst.connector.schema;

/** The registry could not be reached or answered a server error (5xx, 429): retrying later may succeed. */
public final class SchemaRegistryUnavailableException extends RuntimeException {
    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
