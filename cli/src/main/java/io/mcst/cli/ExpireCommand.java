package io.mcst.cli;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.archive.SegmentSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mcst expire}: retention. Removes, per partition, the oldest segments whose every record is older than
 * the bound, and their time index entries. Only a run of oldest segments, so what remains stays continuous;
 * never the segment the index register names, so the index stays right and the sink resumes where it was.
 */
@Command(name = "expire", description = {"Delete whole segments whose records are all older than a bound, oldest "
        + "first per partition, with their time index entries. Stops at the first segment that holds a newer record, "
        + "and always keeps each partition's newest indexed segment, so the index register and 'verify' stay "
        + "consistent. Safe while the sink and the source run."})
final class ExpireCommand extends ArchiveCommand {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    static final class Bound {
        @Option(names = "--before", paramLabel = "TIME", description = "Expire records older than TIME (ISO-8601 or epoch ms).")
        String before;

        @Option(names = "--keep", paramLabel = "DURATION", description = "Keep this much, e.g. 30d, 12h, 90m or PT36H; expire older records.")
        String keep;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Bound bound;

    @Option(names = "--dry-run", description = "Report what would be deleted, delete nothing.")
    boolean dryRun;

    private final LongSupplier clock;

    ExpireCommand() {
        this(System::currentTimeMillis);
    }

    ExpireCommand(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    boolean readOnly() {
        return false;
    }

    @Override
    int run(Archive archive, PrintWriter out, PrintWriter err) {
        long before = bound.before != null ? instant(bound.before, "--before") : clock.getAsLong() - duration(bound.keep).toMillis();
        ArchiveLayout layout = archive.layout();
        List<TopicPartition> partitions = List.copyOf(archive.partitions(topic, partition));
        Progress progress = Progress.Factory.on(err).start("expiring partitions", partitions.size());
        long segments = 0;
        long bytes = 0;
        for (TopicPartition archived : partitions) {
            String indexKey = layout.indexKey(archived);
            Optional<PartitionIndex> index = archive.store().get(indexKey).map(b -> PartitionIndex.parse(indexKey, b));
            long indexedFirst = index.flatMap(i -> layout.parseSegmentKey(i.segmentKey())).map(SegmentKey::firstOffset).orElse(-1L);
            ArchiveLayout.PartitionListing listing = layout.listPartition(archive.store(), archived);
            long partitionBytes = 0;
            for (SegmentKey segment : listing.segments()) {
                if (segment.firstOffset() >= indexedFirst) {
                    break; // the newest indexed segment, and any the sink is still writing
                }
                OptionalLong newest = newestTime(archive, segment, listing.summary(segment));
                if (newest.isEmpty() || newest.getAsLong() >= before) {
                    break;
                }
                out.println((dryRun ? "would expire " : "expired ") + segment.key() + " (newest record "
                        + Instant.ofEpochMilli(newest.getAsLong()) + ")");
                if (!dryRun) {
                    archive.store().remove(segment.key());
                    // After the segment: a run cut short here leaves an entry without a segment, which repair removes.
                    for (String summary : archive.store().list(layout.summaryPrefix(archived, segment.firstOffset()))) {
                        archive.store().remove(summary);
                    }
                }
                segments++;
                partitionBytes += listing.summary(segment).map(SegmentSummary::bytes).orElse(0L);
            }
            bytes += partitionBytes;
            progress.advance(1, partitionBytes);
        }
        progress.finish();
        out.printf("%s%d segments (%s) with every record before %s%n", dryRun ? "would expire " : "expired ", segments,
                Progress.size(bytes), Instant.ofEpochMilli(before));
        return Mcst.OK;
    }

    /** The segment's newest record time: from its time index entry, else read from the segment. */
    private static OptionalLong newestTime(Archive archive, SegmentKey segment, Optional<SegmentSummary> summary) {
        if (summary.isPresent()) {
            return summary.get().maxTime();
        }
        return ArchiveCheck.Contents.of(Archive.decode(segment, archive.segmentBytes(segment)), 0).maxTime();
    }

    static Duration duration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim());
        try {
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--keep '" + text + "': use a duration such as 30d, 12h, 90m, 45s or PT36H", e);
        }
    }
}
