package io.mcst.connector.format;

import io.mcst.connector.archive.SegmentKey;
import java.util.List;

/**
 * How records of one partition become one segment blob and back. Instances are immutable and shared;
 * obtain them from {@link RecordFormats}.
 */
public interface RecordFormat {
    /** The value of {@code format} that selects this format. */
    String name();

    /** The extension of this format's segment keys, without the dot. */
    String extension();

    /** A writer for a new segment. */
    SegmentWriter newWriter();

    /**
     * The records of the segment {@code segment} whose bytes are {@code blob}, in archive order.
     *
     * @throws CorruptSegmentException naming the blob key if {@code blob} is truncated, corrupt or not
     *     of this format
     */
    List<ArchivedRecord> read(SegmentKey segment, byte[] blob);
}
