package io.mcst.cli;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.replication.ReplicaCensus;
import io.mcst.replication.ReplicaCensus.KeyReplicas;
import io.mcst.replication.ReplicaCensus.Replica;
import io.mcst.stores.StoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;

/**
 * What {@code verify} checks, in two passes: each store's replica of every archive key (present, intact,
 * at a quorum), then the archive's contents through the stack (segments decode, each partition's segments
 * continuous, the index register and the time index agree with them).
 */
final class ArchiveCheck {
    /** Per store, how many keys' replicas are in each state. */
    static final class StoreTally {
        final String store;
        final Map<ReplicaCensus.Status, Long> counts = new LinkedHashMap<>();

        StoreTally(String store) {
            this.store = store;
            for (ReplicaCensus.Status status : ReplicaCensus.Status.values()) {
                counts.put(status, 0L);
            }
        }
    }

    /** Everything one verify found. */
    static final class Report {
        final List<Finding> findings = new ArrayList<>();
        final List<StoreTally> stores = new ArrayList<>();
        long keys;
        /** Keys whose newest version is a tombstone: expired segments and their time index entries. */
        long removedKeys;
        long partitions;
        long segments;
        long records;
        long bytes;
        long superseded;

        boolean clean() {
            return findings.stream().noneMatch(f -> f.kind().failing);
        }
    }

    private final Archive archive;
    /** From the replica pass: the keys some store holds a value of (not removed), and those below a quorum. */
    private final TreeSet<String> liveKeys = new TreeSet<>();
    private final Set<String> belowQuorum = new HashSet<>();

    ArchiveCheck(Archive archive) {
        this.archive = archive;
    }

    /** Checks every store's replica of every key under {@code prefixes}, reading each blob at each store. */
    void checkReplicas(Report report, List<String> prefixes, Progress.Factory progress) {
        ReplicaCensus census = archive.census();
        census.storeNames().forEach(name -> report.stores.add(new StoreTally(name)));
        List<ReplicaCensus.Listing> listings = new ArrayList<>();
        long total = 0;
        for (String prefix : prefixes) {
            ReplicaCensus.Listing listing = census.list(prefix);
            listing.failures().forEach((store, failure) -> report.findings.add(new Finding(Finding.Kind.STORE_UNREACHABLE,
                    prefix, census.storeNames().get(store), archive.redact(failure))));
            listings.add(listing);
            total += listing.keys().size();
        }
        Progress shown = progress.start("checking replicas: keys", total);
        for (ReplicaCensus.Listing listing : listings) {
            for (String key : listing.keys()) {
                checkKey(report, census, census.inspect(listing, key, true));
                shown.advance(1, 0);
            }
        }
        shown.finish();
    }

    private void checkKey(Report report, ReplicaCensus census, KeyReplicas found) {
        String key = found.key();
        if (found.removed()) {
            report.removedKeys++;
        } else {
            report.keys++;
        }
        report.superseded += found.olderVersions().stream().mapToLong(Integer::longValue).sum();
        for (int i = 0; i < found.replicas().size(); i++) {
            Replica replica = found.replicas().get(i);
            report.stores.get(i).counts.merge(replica.status(), 1L, Long::sum);
            Finding.Kind kind = switch (replica.status()) {
                case INTACT, UNREACHABLE -> null; // unreachable stores are reported once, with their listing
                case MISSING -> Finding.Kind.REPLICA_MISSING;
                case CORRUPT -> Finding.Kind.REPLICA_CORRUPT;
                case STALE_ETERNAL -> Finding.Kind.ETERNAL_STALE;
            };
            if (kind != null) {
                report.findings.add(new Finding(kind, key, replica.store(), archive.redact(replica.detail())));
            }
        }
        if (!found.removed()) {
            liveKeys.add(key);
        }
        if (found.intactCount() < census.quorum()) {
            belowQuorum.add(key);
        }
        if (found.intactCount() == 0) {
            report.findings.add(new Finding(Finding.Kind.UNREADABLE, key, null, "no store holds an intact copy of version "
                    + found.newest()));
        } else if (found.intactCount() < census.quorum()) {
            report.findings.add(new Finding(Finding.Kind.BELOW_QUORUM, key, null, found.intactCount() + " intact copies, "
                    + "quorum " + census.quorum() + "; run 'mcst repair'"));
        }
    }

    /**
     * Reads every segment through the stack and checks continuity, the index register and the time index. Keys
     * the replica pass found below a quorum are not read (a read may not find them; they are reported already).
     */
    void checkContents(Report report, List<TopicPartition> partitions, Progress.Factory progress) {
        ArchiveLayout layout = archive.layout();
        List<ArchiveLayout.PartitionListing> listings = new ArrayList<>();
        long total = 0;
        for (TopicPartition partition : partitions) {
            // The keys any store holds, from the replica pass: a quorum's listing may miss a key below a quorum.
            ArchiveLayout.PartitionListing listing = layout.listPartition(under(layout.partitionPrefix(partition)), partition);
            listings.add(listing);
            total += listing.segments().size();
        }
        Progress shown = progress.start("checking segments", total);
        for (int p = 0; p < partitions.size(); p++) {
            report.partitions++;
            checkPartition(report, partitions.get(p), listings.get(p), shown);
        }
        shown.finish();
    }

    private void checkPartition(Report report, TopicPartition partition, ArchiveLayout.PartitionListing listing, Progress shown) {
        ArchiveLayout layout = archive.layout();
        String indexKey = layout.indexKey(partition);
        Optional<PartitionIndex> index = belowQuorum.contains(indexKey) ? Optional.empty() : readIndex(report, indexKey);
        List<SegmentKey> segments = listing.segments();
        if (index.isEmpty() && !segments.isEmpty() && !belowQuorum.contains(indexKey)) {
            report.findings.add(new Finding(Finding.Kind.INDEX_MISSING, indexKey, null, segments.size()
                    + " segments but no index register; the sink writes it after each segment"));
        }
        long indexedFirst = index.flatMap(i -> layout.parseSegmentKey(i.segmentKey())).map(SegmentKey::firstOffset).orElse(-1L);
        Long previousEnd = null;
        SegmentKey previous = null;
        for (SegmentKey segment : segments) {
            Optional<SegmentSummary> summary = listing.summary(segment);
            Contents contents = belowQuorum.contains(segment.key()) ? null : read(report, segment);
            report.segments++;
            if (contents != null) {
                report.records += contents.records;
                report.bytes += contents.bytes;
            }
            shown.advance(1, contents == null ? 0 : contents.bytes);
            if (segment.firstOffset() > indexedFirst) {
                report.findings.add(new Finding(Finding.Kind.NOT_YET_INDEXED, segment.key(), null, "after the segment the "
                        + "index register names (" + index.map(PartitionIndex::segmentKey).orElse("none") + ")"));
                continue;
            }
            checkSummary(report, segment, summary, contents);
            Long end = summary.map(SegmentSummary::lastOffset)
                    .orElse(contents == null || contents.lastOffset.isEmpty() ? null : contents.lastOffset.getAsLong());
            if (previousEnd != null) {
                if (segment.firstOffset() > previousEnd + 1) {
                    report.findings.add(new Finding(Finding.Kind.GAP, layout.partitionPrefix(partition), null, "offsets "
                            + (previousEnd + 1) + ".." + (segment.firstOffset() - 1) + " are in no segment (between "
                            + previous.key() + " and " + segment.key() + ")"));
                } else if (segment.firstOffset() <= previousEnd) {
                    report.findings.add(new Finding(Finding.Kind.OVERLAP, layout.partitionPrefix(partition), null, "offsets "
                            + segment.firstOffset() + ".." + previousEnd + " are in both " + previous.key() + " and "
                            + segment.key()));
                }
            }
            if (segment.firstOffset() == indexedFirst) {
                PartitionIndex i = index.orElseThrow();
                if (!i.segmentKey().equals(segment.key()) || (end != null && end != i.lastOffset())) {
                    report.findings.add(new Finding(Finding.Kind.INDEX_MISMATCH, indexKey, null, "says offset "
                            + i.lastOffset() + " in " + i.segmentKey() + ", the segment ends at " + end + " (" + segment.key() + ")"));
                }
            }
            previousEnd = end;
            previous = segment;
        }
        if (index.isPresent() && segments.stream().noneMatch(s -> s.key().equals(index.get().segmentKey()))) {
            report.findings.add(new Finding(Finding.Kind.INDEX_MISMATCH, indexKey, null, "names "
                    + index.get().segmentKey() + ", which is not in the archive"));
        }
        for (SegmentSummary orphan : listing.summaries().values()) {
            if (segments.stream().noneMatch(s -> s.firstOffset() == orphan.firstOffset())) {
                report.findings.add(new Finding(Finding.Kind.SUMMARY_WRONG, layout.summaryKey(orphan), null,
                        "no segment starts at offset " + orphan.firstOffset()));
            }
        }
    }

    private List<String> under(String prefix) {
        return List.copyOf(liveKeys.subSet(prefix, true, prefix + Character.MAX_VALUE, false));
    }

    private Optional<PartitionIndex> readIndex(Report report, String indexKey) {
        try {
            return archive.store().get(indexKey).map(bytes -> PartitionIndex.parse(indexKey, bytes));
        } catch (DataException | StoreException e) {
            report.findings.add(new Finding(Finding.Kind.INDEX_MISMATCH, indexKey, null, archive.redact(e.getMessage())));
            return Optional.empty();
        }
    }

    private void checkSummary(Report report, SegmentKey segment, Optional<SegmentSummary> summary, Contents contents) {
        if (summary.isEmpty()) {
            report.findings.add(new Finding(Finding.Kind.SUMMARY_MISSING, segment.key(), null,
                    "no time index entry; 'mcst repair' adds it"));
            return;
        }
        if (contents == null) {
            return;
        }
        String prefix = archive.layout().summaryPrefix(segment.partition(), segment.firstOffset());
        long written = under(prefix).size();
        SegmentSummary s = summary.get();
        boolean agrees = written == 1 && s.records() == contents.records && s.bytes() == contents.bytes
                && (contents.lastOffset.isEmpty() || s.lastOffset() >= contents.lastOffset.getAsLong())
                && (contents.minTime.isEmpty() || (s.minTime().equals(contents.minTime) && s.maxTime().equals(contents.maxTime)));
        if (!agrees) {
            report.findings.add(new Finding(Finding.Kind.SUMMARY_WRONG, segment.key(), null, written + " time index "
                    + "entries; the segment holds " + contents.records + " records, " + contents.bytes + " bytes, times "
                    + contents.minTime + ".." + contents.maxTime + "; 'mcst repair' rewrites the entry"));
        }
    }

    /** What a segment holds, decoded. */
    record Contents(int records, long bytes, OptionalLong lastOffset, OptionalLong minTime, OptionalLong maxTime) {
        static Contents of(List<ArchivedRecord> records, long bytes) {
            OptionalLong last = records.stream().map(ArchivedRecord::offset).filter(Objects::nonNull)
                    .mapToLong(Long::longValue).max();
            boolean timed = !records.isEmpty() && records.stream().allMatch(r -> r.timestamp() != null && r.timestamp() >= 0);
            return new Contents(records.size(), bytes, last,
                    timed ? records.stream().mapToLong(ArchivedRecord::timestamp).min() : OptionalLong.empty(),
                    timed ? records.stream().mapToLong(ArchivedRecord::timestamp).max() : OptionalLong.empty());
        }
    }

    /** The segment's contents, or null (with a finding) when it cannot be read or decoded. */
    private Contents read(Report report, SegmentKey segment) {
        try {
            byte[] bytes = archive.segmentBytes(segment);
            return Contents.of(Archive.decode(segment, bytes), bytes.length);
        } catch (DataException | StoreException e) {
            report.findings.add(new Finding(Finding.Kind.SEGMENT_UNREADABLE, segment.key(), null, archive.redact(e.getMessage())));
            return null;
        }
    }
}
