package io.mcst.cli;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import io.mcst.replication.ReplicaCensus;
import io.mcst.replication.ReplicaCensus.Status;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mcst ls}: the archive's topics, partitions and segments, from listings alone (no segment is read). */
@Command(name = "ls", description = {"List archived topics, partitions and segments: offsets, records, record time "
        + "range, size, and per store whether it holds the segment. Reads no segment: the time index says it all "
        + "(segments written before the time index show '-'; 'mcst repair' adds their entries)."})
final class LsCommand extends ArchiveCommand {
    @Option(names = "--from", paramLabel = "TIME", description = "Only segments with records at or after TIME (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to-time", paramLabel = "TIME", description = "Only segments with records before TIME.")
    String to;

    @Override
    boolean readOnly() {
        return true;
    }

    @Override
    int run(Archive archive, PrintWriter out, PrintWriter err) {
        TimeWindow window = TimeWindow.of(from, to);
        ArchiveLayout layout = archive.layout();
        ReplicaCensus census = archive.census();
        ReplicaCensus.Listing listing = census.list(layout.prefix() + "/");
        listing.failures().values().forEach(failure -> err.println("warning: " + archive.redact(failure)));
        List<String> header = new ArrayList<>(List.of("TOPIC", "PART", "FIRST", "LAST", "RECORDS", "FROM", "TO", "SIZE"));
        header.addAll(census.storeNames());
        Table table = new Table(header);
        long segments = 0;
        long records = 0;
        long bytes = 0;
        int partitions = 0;
        Set<String> listed = new HashSet<>(listing.keys());
        for (TopicPartition archived : archive.partitions(topic, partition)) {
            partitions++;
            ArchiveLayout.PartitionListing partitionListing = layout.listPartition(archive.store(), archived);
            for (SegmentKey segment : partitionListing.segments()) {
                Optional<SegmentSummary> summary = partitionListing.summary(segment);
                if (!window.mayHold(summary)) {
                    continue;
                }
                segments++;
                records += summary.map(SegmentSummary::records).orElse(0);
                bytes += summary.map(SegmentSummary::bytes).orElse(0L);
                List<String> row = new ArrayList<>(List.of(archived.topic(), Integer.toString(archived.partition()),
                        Long.toString(segment.firstOffset()),
                        summary.map(s -> Long.toString(s.lastOffset())).orElse("-"),
                        summary.map(s -> Integer.toString(s.records())).orElse("-"),
                        summary.map(s -> time(s.minTime())).orElse("-"),
                        summary.map(s -> time(s.maxTime())).orElse("-"),
                        summary.map(s -> Progress.size(s.bytes())).orElse("-")));
                if (listed.contains(segment.key())) {
                    census.inspect(listing, segment.key(), false).replicas()
                            .forEach(replica -> row.add(replica.status() == Status.INTACT ? "yes"
                                    : replica.status() == Status.UNREACHABLE ? "?" : "MISSING"));
                } else {
                    census.storeNames().forEach(name -> row.add("?"));
                }
                table.add(row);
            }
        }
        table.print(out);
        out.printf("%d segments, %d records, %s in %d partitions%n", segments, records, Progress.size(bytes), partitions);
        return Mcst.OK;
    }

    private static String time(OptionalLong millis) {
        return millis.isPresent() ? Instant.ofEpochMilli(millis.getAsLong()).toString() : "-";
    }
}
