package io.mcst.connector.schema;

/**
 * The registry answered with an error that retrying does not fix: the schema or subject does not exist (404),
 * the schema is incompatible with the subject's (409) or invalid (422), or the credentials were refused.
 */
public class SchemaRegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status, e.g. 404, 409, 422. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code}, e.g. 40403 (schema not found); the status when it gave none. */
    public int errorCode() {
        return errorCode;
    }
}
