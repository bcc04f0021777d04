package io.mcst.cli;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import io.mcst.replication.ReplicaCensus;
import io.mcst.replication.ReplicaCensus.KeyReplicas;
import io.mcst.stores.StoreException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mcst repair}: every reachable store back to a full, intact replica of every key's newest version,
 * and the time index complete. Stateless and idempotent, so rerunning after a crash resumes it.
 */
@Command(name = "repair", description = {"Bring every reachable store back to an intact copy of every key's newest "
        + "version (after an outage, corruption, or a store added to 'stores' or replaced by an empty one), remove "
        + "superseded copies, and add missing time index entries. Copies existing versions only, under their own "
        + "keys, so it never lowers a key's newest version and is safe while the sink writes; a second run finds "
        + "nothing to do, and a run cut short resumes by running it again."})
final class RepairCommand extends ArchiveCommand {
    @Option(names = "--dry-run", description = "Report what would be repaired, change nothing.")
    boolean dryRun;

    private int incomplete;

    @Override
    boolean readOnly() {
        return false;
    }

    @Override
    int run(Archive archive, PrintWriter out, PrintWriter err) {
        String would = dryRun ? "would " : "";
        List<TopicPartition> partitions = List.copyOf(archive.partitions(topic, partition));
        ReplicaCensus census = archive.census();
        long rewrittenKeys = 0;
        long rewrittenReplicas = 0;
        long collected = 0;
        Progress.Factory progress = Progress.Factory.on(err);
        for (String prefix : keyPrefixes(archive, partitions)) {
            ReplicaCensus.Listing listing = census.list(prefix);
            listing.failures().values().forEach(failure -> {
                incomplete++;
                out.println("skipped store: " + archive.redact(failure) + "; rerun repair once it answers");
            });
            List<String> keys = listing.keys();
            Progress shown = progress.start("repairing replicas: keys", keys.size());
            for (String key : keys) {
                KeyReplicas found = census.inspect(listing, key, true);
                shown.advance(1, 0);
                if (found.fullyReplicated() && found.olderVersions().stream().allMatch(n -> n == 0)) {
                    continue;
                }
                try {
                    ReplicaCensus.Repaired repaired = census.repair(found, dryRun);
                    if (!repaired.rewrittenAt().isEmpty()) {
                        rewrittenKeys++;
                        rewrittenReplicas += repaired.rewrittenAt().size();
                        out.println(would + "rewrite " + key + " at " + String.join(", ", repaired.rewrittenAt()));
                    }
                    if (repaired.garbageRemoved() > 0) {
                        collected += repaired.garbageRemoved();
                        out.println(would + "remove " + repaired.garbageRemoved() + " superseded copies of " + key);
                    }
                } catch (StoreException e) {
                    incomplete++;
                    out.println("cannot repair " + key + ": " + archive.redact(e.getMessage()));
                }
            }
            shown.finish();
        }
        long[] timeIndex = new long[2];
        for (TopicPartition archived : partitions) {
            repairTimeIndex(archive, archived, out, timeIndex);
        }
        out.printf("%s%d keys rewritten at %d store copies, %d superseded copies removed, %d time index entries added, "
                        + "%d removed%s%n", dryRun ? "dry run: " : "", rewrittenKeys, rewrittenReplicas, collected,
                timeIndex[0], timeIndex[1], incomplete == 0 ? "" : "; " + incomplete + " things could not be repaired (above)");
        return incomplete == 0 ? Mcst.OK : Mcst.FOUND_PROBLEMS;
    }

    /**
     * Adds the summary of each indexed segment that has none, keeps one right summary for a segment that has
     * several, and removes summaries whose segment is gone. Only segments the index register covers: the sink
     * never rewrites those, so a summary computed from their contents stays right.
     */
    private void repairTimeIndex(Archive archive, TopicPartition partition, PrintWriter out, long[] counts) {
        ArchiveLayout layout = archive.layout();
        String indexKey = layout.indexKey(partition);
        Optional<PartitionIndex> index = archive.store().get(indexKey).map(bytes -> PartitionIndex.parse(indexKey, bytes));
        if (index.isEmpty()) {
            return;
        }
        long indexedFirst = layout.parseSegmentKey(index.get().segmentKey()).map(SegmentKey::firstOffset).orElse(-1L);
        List<String> keys = archive.store().list(layout.partitionPrefix(partition));
        List<SegmentKey> segments = new ArrayList<>();
        Map<Long, List<SegmentSummary>> summaries = new TreeMap<>();
        for (String key : keys) {
            layout.parseSegmentKey(key).filter(s -> s.partition().equals(partition)).ifPresent(segments::add);
            layout.parseSummaryKey(partition, key)
                    .ifPresent(s -> summaries.computeIfAbsent(s.firstOffset(), first -> new ArrayList<>()).add(s));
        }
        segments.sort((a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));
        String would = dryRun ? "would " : "";
        for (int i = 0; i < segments.size(); i++) {
            SegmentKey segment = segments.get(i);
            if (segment.firstOffset() > indexedFirst) {
                break;
            }
            List<SegmentSummary> existing = summaries.getOrDefault(segment.firstOffset(), List.of());
            if (existing.size() == 1) {
                continue;
            }
            SegmentSummary right;
            try {
                right = summarize(archive, segment, i + 1 < segments.size() ? segments.get(i + 1) : null, index.get());
            } catch (DataException | StoreException e) {
                incomplete++;
                out.println("cannot index " + segment.key() + ": " + archive.redact(e.getMessage()));
                continue;
            }
            if (!existing.contains(right)) {
                out.println(would + "add time index entry " + layout.summaryKey(right));
                if (!dryRun) {
                    archive.store().put(layout.summaryKey(right), new byte[0]);
                }
                counts[0]++;
            }
            for (SegmentSummary wrong : existing) {
                if (!wrong.equals(right)) {
                    remove(archive, layout.summaryKey(wrong), out, counts);
                }
            }
        }
        for (Map.Entry<Long, List<SegmentSummary>> entry : summaries.entrySet()) {
            boolean orphan = entry.getKey() <= indexedFirst && segments.stream().noneMatch(s -> s.firstOffset() == entry.getKey());
            if (orphan) {
                entry.getValue().forEach(wrong -> remove(archive, layout.summaryKey(wrong), out, counts));
            }
        }
    }

    private void remove(Archive archive, String key, PrintWriter out, long[] counts) {
        out.println((dryRun ? "would " : "") + "remove time index entry " + key);
        if (!dryRun) {
            archive.store().remove(key);
        }
        counts[1]++;
    }

    /** A segment's summary from its contents; its last offset from the records, else from what follows it. */
    private static SegmentSummary summarize(Archive archive, SegmentKey segment, SegmentKey next, PartitionIndex index) {
        byte[] bytes = archive.segmentBytes(segment);
        ArchiveCheck.Contents contents = ArchiveCheck.Contents.of(Archive.decode(segment, bytes), bytes.length);
        long last = segment.key().equals(index.segmentKey()) ? index.lastOffset()
                : contents.lastOffset().isPresent() ? contents.lastOffset().getAsLong()
                : next != null ? next.firstOffset() - 1 : segment.firstOffset() + contents.records() - 1;
        return new SegmentSummary(segment.partition(), segment.firstOffset(), Math.max(last, segment.firstOffset()),
                contents.records(), contents.bytes(), contents.minTime(), contents.maxTime());
    }
}
