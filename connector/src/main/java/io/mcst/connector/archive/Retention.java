package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.format.RecordFormats;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;

/**
 * Time-based retention of one partition, shared by {@code mcst expire} and the sink's
 * {@code archive.retention.ms}: removes the oldest segments whose every record is older than a bound, then
 * their time index entries. It stops at the first segment that holds a newer record (or whose record times
 * are unknown), so what remains is continuous, and it never removes the segment the index register names
 * (nor any after it, which a sink may still be writing), so the sink resumes where it was.
 */
public final class Retention {
    /** A segment retention removed (or, in a dry run, would remove), with its newest record time. */
    public record Expired(SegmentKey segment, long newestTime, long bytes) {}

    private final KeyValueStore store;
    private final ArchiveLayout layout;

    public Retention(KeyValueStore store, ArchiveLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
    }

    /**
     * Expires the segments of {@code partition} whose records are all before {@code before} (epoch ms).
     *
     * @param dryRun find them, remove nothing
     * @throws DataException naming a segment without a time index entry that cannot be decoded
     */
    public List<Expired> expire(TopicPartition partition, long before, boolean dryRun) {
        String indexKey = layout.indexKey(partition);
        long indexedFirst = store.get(indexKey).map(bytes -> PartitionIndex.parse(indexKey, bytes))
                .flatMap(index -> layout.parseSegmentKey(index.segmentKey())).map(SegmentKey::firstOffset).orElse(-1L);
        ArchiveLayout.PartitionListing listing = layout.listPartition(store, partition);
        List<Expired> expired = new ArrayList<>();
        for (SegmentKey segment : listing.segments()) {
            if (segment.firstOffset() >= indexedFirst) {
                break;
            }
            Optional<SegmentSummary> summary = listing.summary(segment);
            OptionalLong newest = summary.isPresent() ? summary.get().maxTime() : newestTime(segment);
            if (newest.isEmpty() || newest.getAsLong() >= before) {
                break;
            }
            if (!dryRun) {
                store.remove(segment.key());
                // After the segment: a run cut short here leaves an entry without a segment, which repair removes.
                for (String entry : store.list(layout.summaryPrefix(partition, segment.firstOffset()))) {
                    store.remove(entry);
                }
            }
            expired.add(new Expired(segment, newest.getAsLong(), summary.map(SegmentSummary::bytes).orElse(0L)));
        }
        return expired;
    }

    /** A segment without a time index entry (written before it existed): its newest record time, read from it. */
    private OptionalLong newestTime(SegmentKey segment) {
        Optional<byte[]> bytes = store.get(segment.key());
        if (bytes.isEmpty()) {
            return OptionalLong.empty();
        }
        List<ArchivedRecord> records = RecordFormats.forExtension(segment.extension())
                .orElseThrow(() -> new DataException("segment '" + segment.key() + "' has an unknown extension"))
                .read(segment, bytes.get());
        boolean timed = !records.isEmpty() && records.stream().allMatch(r -> r.timestamp() != null && r.timestamp() >= 0);
        return timed ? records.stream().mapToLong(ArchivedRecord::timestamp).max() : OptionalLong.empty();
    }
}
