package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.errors.DataException;

/**
 * The per-partition index register: the offset of the last record the archive holds for a partition and
 * the segment that holds it. The sink writes it after each segment, through the same store stack, and
 * reads it on {@code open()} to resume after the last archived record. Stored as three UTF-8 lines
 * ({@code 1}, the offset, the segment key) so an operator can read it with any tool.
 */
public record PartitionIndex(long lastOffset, String segmentKey) {
    private static final String VERSION = "1";

    public PartitionIndex {
        requireNonNull(segmentKey, "segmentKey");
        if (lastOffset < 0) {
            throw new IllegalArgumentException("lastOffset must not be negative: " + lastOffset);
        }
    }

    public byte[] toBytes() {
        return (VERSION + "\n" + lastOffset + "\n" + segmentKey + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a register read from {@code registerKey}.
     *
     * @throws DataException naming the key when the bytes are not a register this version wrote
     */
    public static PartitionIndex parse(String registerKey, byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 4 || !lines[0].equals(VERSION) || !lines[3].isEmpty() || lines[2].isEmpty()) {
            throw new DataException("index register '" + registerKey + "' is corrupt or of an unknown version");
        }
        try {
            return new PartitionIndex(Long.parseLong(lines[1]), lines[2]);
        } catch (IllegalArgumentException e) {
            throw new DataException("index register '" + registerKey + "' holds a bad offset: " + lines[1], e);
        }
    }
}
