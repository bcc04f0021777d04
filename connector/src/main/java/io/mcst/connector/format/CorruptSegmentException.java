package io.mcst.connector.format;

import org.apache.kafka.connect.errors.DataException;

/** A segment blob that its format cannot read back whole: truncated, corrupt, or not of this format. */
public final class CorruptSegmentException extends DataException {
    private static final long serialVersionUID = 1L;

    public CorruptSegmentException(String blobKey, String problem) {
        super("segment '" + blobKey + "' is corrupt or truncated: " + problem);
    }

    public CorruptSegmentException(String blobKey, String problem, Throwable cause) {
        super("segment '" + blobKey + "' is corrupt or truncated: " + problem, cause);
    }
}
