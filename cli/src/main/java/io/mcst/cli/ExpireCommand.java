package io.mcst.cli;

import io.mcst.connector.archive.Retention;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mcst expire}: time-based retention, as {@link Retention} does it, per selected partition. */
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
        Retention retention = new Retention(archive.store(), archive.layout());
        List<TopicPartition> partitions = List.copyOf(archive.partitions(topic, partition));
        Progress progress = Progress.Factory.on(err).start("expiring partitions", partitions.size());
        long segments = 0;
        long bytes = 0;
        for (TopicPartition archived : partitions) {
            long partitionBytes = 0;
            for (Retention.Expired expired : retention.expire(archived, before, dryRun)) {
                out.println((dryRun ? "would expire " : "expired ") + expired.segment().key() + " (newest record "
                        + Instant.ofEpochMilli(expired.newestTime()) + ")");
                segments++;
                partitionBytes += expired.bytes();
            }
            bytes += partitionBytes;
            progress.advance(1, partitionBytes);
        }
        progress.finish();
        out.printf("%s%d segments (%s) with every record before %s%n", dryRun ? "would expire " : "expired ", segments,
                Progress.size(bytes), Instant.ofEpochMilli(before));
        return Mcst.OK;
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
