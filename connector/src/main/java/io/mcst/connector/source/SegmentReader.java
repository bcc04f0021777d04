package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.format.AvroCodecs;
import io.mcst.connector.format.RecordFormat;
import io.mcst.connector.format.RecordFormats;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.errors.DataException;

/** Decodes segments with the configured format, or with the format each segment's extension names. */
final class SegmentReader {
    private final RecordFormat configured;
    private final Map<String, RecordFormat> byExtension = new ConcurrentHashMap<>();

    private SegmentReader(RecordFormat configured) {
        this.configured = configured;
    }

    /** @param format a format name, or {@link SourceConfig#FORMAT_AUTO} */
    static SegmentReader forFormat(String format) {
        requireNonNull(format, "format");
        // Readers take the codec from the container, so the writing codec does not matter here.
        return new SegmentReader(format.equals(SourceConfig.FORMAT_AUTO) ? null : RecordFormats.of(format, AvroCodecs.NULL));
    }

    /**
     * The records of {@code segment}, in archive order.
     *
     * @throws DataException naming the blob if it is corrupt, truncated, or of a format other than the configured
     */
    List<ArchivedRecord> read(SegmentKey segment, byte[] blob) {
        return formatOf(segment).read(segment, blob);
    }

    private RecordFormat formatOf(SegmentKey segment) {
        if (configured != null) {
            if (!configured.extension().equals(segment.extension())) {
                throw new DataException("segment '" + segment.key() + "' is not of format " + configured.name()
                        + " (extension ." + configured.extension() + "); set " + SourceConfig.FORMAT_CONFIG + "="
                        + SourceConfig.FORMAT_AUTO + " to replay an archive whose format changed");
            }
            return configured;
        }
        return byExtension.computeIfAbsent(segment.extension(), extension -> RecordFormats.forExtension(extension)
                .orElseThrow(() -> new DataException("segment '" + segment.key() + "' has extension ." + extension
                        + ", which no known format writes (" + RecordFormats.NAMES + ")")));
    }
}
