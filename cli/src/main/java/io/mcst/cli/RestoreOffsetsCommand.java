package io.mcst.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mcst.cli.RestorePlan.GroupPlan;
import io.mcst.cli.RestorePlan.Position;
import io.mcst.connector.archive.GroupSnapshot;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mcst restore-offsets}: consumer groups resume in a replayed topic where they were in the archived one. */
@Command(name = "restore-offsets", description = {"Commit each consumer group's position in a replay's target "
        + "topics: the group's committed offsets from the archive's latest snapshot (or the latest at or before "
        + "--as-of) translated through the offset map the replay (the source connector named by --replay) stored "
        + "in the archive, renamed topics included. A consumer of the group started afterwards reads the first "
        + "record it had not consumed when the snapshot was taken: records it consumed after that are read again, "
        + "so the snapshot's time is printed with each group.",
        "Only groups with no active member on the target cluster are changed (others are refused); positions the "
                + "replay has not reached yet are skipped: rerun when it has. Exit 0 only when every position "
                + "is committed (with --dry-run: would be)."})
final class RestoreOffsetsCommand extends ArchiveCommand {
    @Option(names = "--replay", required = true, paramLabel = "CONNECTOR",
            description = "Name of the source connector that replayed the archive: its offset maps translate the positions.")
    String replay;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,..",
            description = "The target cluster. Default: target.cluster.bootstrap.servers of --config (the replay's "
                    + "source configuration), whose other target.cluster.* settings (security) apply in both cases.")
    String bootstrapServers;

    static final class Groups {
        @Option(names = "--group", paramLabel = "GROUP", required = true,
                description = "Restore this consumer group (repeatable).")
        List<String> ids;

        @Option(names = "--groups-regex", paramLabel = "REGEX", required = true,
                description = "Restore every snapshotted group whose whole id matches this Java regular expression.")
        String regex;
    }

    @ArgGroup(exclusive = true)
    Groups groups;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "Use each group's latest snapshot taken at or before TIME (ISO-8601 or epoch ms). Default: the latest.")
    String asOf;

    @Option(names = "--dry-run", description = "Print the plan, commit nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the plan and its results as JSON (for machines) instead of text.")
    boolean json;

    /** What became of one position. */
    enum Outcome {
        COMMITTED("committed"),
        WOULD_COMMIT("would commit"),
        SKIPPED("skipped"),
        REFUSED("refused"),
        FAILED("failed");

        final String text;

        Outcome(String text) {
            this.text = text;
        }
    }

    record Result(Outcome outcome, String detail) {
        String text() {
            return detail.isEmpty() ? outcome.text : outcome.text + ": " + detail;
        }
    }

    @Override
    boolean readOnly() {
        return true; // the archive is only read; the target cluster is what changes
    }

    @Override
    int run(Archive archive, PrintWriter out, PrintWriter err) {
        long asOfMs = asOf == null ? Long.MAX_VALUE : instant(asOf, "--as-of");
        List<String> ids = groups == null || groups.ids == null ? List.of() : List.copyOf(groups.ids);
        Pattern regex = groups == null || groups.regex == null ? null : regex(groups.regex);
        List<GroupPlan> plans = RestorePlan.of(archive.store(), archive.layout(), replay, ids,
                id -> regex == null || regex.matcher(id).matches(), asOfMs,
                p -> (topic == null || p.topic().equals(topic)) && (partition == null || p.partition() == partition));
        if (plans.isEmpty()) {
            err.println("mcst restore-offsets: the archive holds no consumer group snapshot" + (regex == null ? "" : " of a "
                    + "group matching " + regex) + "; the sink snapshots the groups its 'groups' or 'groups.regex' name");
            return Mcst.FOUND_PROBLEMS;
        }
        Map<GroupPlan, Map<TopicPartition, Result>> results = new LinkedHashMap<>();
        try (TargetCluster target = TargetCluster.connect(archive.config().props(), bootstrapServers,
                archive.config().path().toString())) {
            List<String> snapshotted = plans.stream().filter(plan -> plan.snapshot().isPresent()).map(GroupPlan::group).toList();
            Map<String, TargetCluster.Group> states = target.describe(snapshotted);
            for (GroupPlan plan : plans) {
                results.put(plan, restore(target, plan, Optional.ofNullable(states.get(plan.group()))));
            }
        }
        if (json) {
            printJson(plans, results, asOfMs, out);
        } else {
            printText(plans, results, asOfMs, out);
        }
        boolean complete = plans.stream().allMatch(plan -> plan.snapshot().isPresent())
                && results.values().stream().flatMap(r -> r.values().stream())
                        .allMatch(r -> r.outcome() == (dryRun ? Outcome.WOULD_COMMIT : Outcome.COMMITTED));
        return complete ? Mcst.OK : Mcst.FOUND_PROBLEMS;
    }

    /** Commits (or, dry, only judges) one group's translated positions; the others say why they are left. */
    private Map<TopicPartition, Result> restore(TargetCluster target, GroupPlan plan, Optional<TargetCluster.Group> state) {
        Map<TopicPartition, Result> results = new LinkedHashMap<>();
        Map<TopicPartition, Long> committing = new LinkedHashMap<>();
        for (Position position : plan.positions()) {
            if (!position.translated()) {
                results.put(position.archived(), new Result(Outcome.SKIPPED, position.notReplayed().orElseThrow()));
            } else if (state.isPresent() && !state.get().idle()) {
                results.put(position.archived(), new Result(Outcome.REFUSED, "the group is " + state.get().describe()
                        + " on the target; stop its consumers and rerun"));
            } else if (dryRun) {
                results.put(position.archived(), new Result(Outcome.WOULD_COMMIT, ""));
            } else {
                committing.put(position.target().orElseThrow(), position.targetOffset().orElseThrow());
            }
        }
        if (!committing.isEmpty()) {
            Map<TopicPartition, Optional<Throwable>> outcome = target.commit(plan.group(), committing);
            for (Position position : plan.positions()) {
                if (!results.containsKey(position.archived())) {
                    Optional<Throwable> failure = outcome.get(position.target().orElseThrow());
                    results.put(position.archived(), failure.map(e -> new Result(Outcome.FAILED,
                            e.getClass().getSimpleName() + ": " + e.getMessage())).orElse(new Result(Outcome.COMMITTED, "")));
                }
            }
        }
        return results;
    }

    private void printText(List<GroupPlan> plans, Map<GroupPlan, Map<TopicPartition, Result>> results, long asOfMs,
            PrintWriter out) {
        out.println("Consumer positions in the replay by '" + replay + "'" + (dryRun ? " (dry run: nothing is committed)" : "")
                + ", from each group's " + (asOfMs == Long.MAX_VALUE ? "latest snapshot" : "latest snapshot at or before "
                + Instant.ofEpochMilli(asOfMs)) + ":");
        for (GroupPlan plan : plans) {
            out.println("  " + plan.group() + ": " + plan.snapshot().map(s -> "snapshot taken " + Instant.ofEpochMilli(s.timeMs())
                    + " (records it consumed after this time are read again)").orElse("no snapshot"
                    + (asOfMs == Long.MAX_VALUE ? "" : " at or before " + Instant.ofEpochMilli(asOfMs)) + ": nothing to restore"));
        }
        out.println();
        Table table = new Table(List.of("GROUP", "TOPIC", "PART", "COMMITTED", "TARGET TOPIC", "PART", "TARGET OFFSET", "RESULT"));
        for (GroupPlan plan : plans) {
            for (Position position : plan.positions()) {
                table.add(List.of(plan.group(), position.archived().topic(), Integer.toString(position.archived().partition()),
                        Long.toString(position.committed()), position.target().map(TopicPartition::topic).orElse("-"),
                        position.target().map(t -> Integer.toString(t.partition())).orElse("-"),
                        position.targetOffset().isPresent() ? Long.toString(position.targetOffset().getAsLong()) : "-",
                        results.get(plan).get(position.archived()).text()));
            }
        }
        table.print(out);
        Map<Outcome, Long> counts = results.values().stream().flatMap(r -> r.values().stream())
                .collect(Collectors.groupingBy(Result::outcome, () -> new EnumMap<>(Outcome.class), Collectors.counting()));
        out.println(counts.isEmpty() ? "no positions" : counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().text).collect(Collectors.joining(", ")));
    }

    private void printJson(List<GroupPlan> plans, Map<GroupPlan, Map<TopicPartition, Result>> results, long asOfMs,
            PrintWriter out) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("replay", replay);
        root.put("dryRun", dryRun);
        root.put("asOf", asOfMs == Long.MAX_VALUE ? null : Instant.ofEpochMilli(asOfMs).toString());
        List<Map<String, Object>> groupList = new ArrayList<>();
        for (GroupPlan plan : plans) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("group", plan.group());
            group.put("snapshotTime", plan.snapshot().map(s -> Instant.ofEpochMilli(s.timeMs()).toString()).orElse(null));
            group.put("snapshotTimeMs", plan.snapshot().map(GroupSnapshot::timeMs).orElse(null));
            List<Map<String, Object>> positions = new ArrayList<>();
            for (Position position : plan.positions()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("topic", position.archived().topic());
                p.put("partition", position.archived().partition());
                p.put("committedOffset", position.committed());
                p.put("targetTopic", position.target().map(TopicPartition::topic).orElse(null));
                p.put("targetPartition", position.target().map(TopicPartition::partition).orElse(null));
                p.put("targetOffset", position.targetOffset().isPresent() ? position.targetOffset().getAsLong() : null);
                Result result = results.get(plan).get(position.archived());
                p.put("result", result.outcome().name().toLowerCase());
                p.put("detail", result.detail());
                positions.add(p);
            }
            group.put("positions", positions);
            groupList.add(group);
        }
        root.put("groups", groupList);
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the plan as JSON", e);
        }
        out.flush();
    }

    private static Pattern regex(String text) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--groups-regex '" + text + "' is not a Java regular expression: "
                    + e.getDescription(), e);
        }
    }
}
