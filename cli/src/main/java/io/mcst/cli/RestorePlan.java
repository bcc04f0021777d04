package io.mcst.cli;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.GroupSnapshot;
import io.mcst.connector.archive.PartitionIndex;
import io.mcst.connector.archive.ReplayOffsetMap;
import io.mcst.stores.KeyValueStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Where each chosen consumer group resumes in a replay: its committed offsets, from the archive's latest snapshot
 * at or before a time, translated through the replay's offset maps into the target topics' offset space. Reads
 * the archive only; committing is the command's part.
 */
final class RestorePlan {
    private RestorePlan() {}

    /**
     * One group: the snapshot used (empty if it has none that early) and one position per snapshotted partition
     * the selection keeps.
     */
    record GroupPlan(String group, Optional<GroupSnapshot> snapshot, List<Position> positions) {
        GroupPlan {
            requireNonNull(group, "group");
            requireNonNull(snapshot, "snapshot");
            positions = List.copyOf(positions);
        }
    }

    /**
     * One partition of a group: its committed offset in the archived topic and, when the replay has reached it,
     * the target partition and offset; otherwise why not.
     */
    record Position(TopicPartition archived, long committed, Optional<TopicPartition> target, OptionalLong targetOffset,
            Optional<String> notReplayed) {
        Position {
            requireNonNull(archived, "archived");
            requireNonNull(target, "target");
            requireNonNull(targetOffset, "targetOffset");
            requireNonNull(notReplayed, "notReplayed");
            if (targetOffset.isPresent() == notReplayed.isPresent()) {
                throw new IllegalArgumentException("a position is translated or says why not, not both");
            }
        }

        boolean translated() {
            return targetOffset.isPresent();
        }
    }

    /**
     * Plans the restore of {@code replay} for the groups {@code groups} (ids, or every snapshotted group that
     * {@code selection} accepts when it is empty), as of {@code asOfMs}, for the archived partitions
     * {@code partitions} accepts.
     */
    static List<GroupPlan> of(KeyValueStore store, ArchiveLayout layout, String replay, List<String> groups,
            Predicate<String> selection, long asOfMs, Predicate<TopicPartition> partitions) {
        List<String> chosen = groups.isEmpty() ? layout.groups(store).stream().filter(selection).toList() : groups;
        Map<TopicPartition, Optional<ReplayOffsetMap>> maps = new HashMap<>();
        Map<TopicPartition, OptionalLong> archivedEnds = new HashMap<>();
        List<GroupPlan> plans = new ArrayList<>();
        for (String group : chosen) {
            Optional<GroupSnapshot> snapshot = layout.groupSnapshotAsOf(store, group, asOfMs);
            List<Position> positions = new ArrayList<>();
            snapshot.ifPresent(s -> s.committedOffsets().forEach((archived, committed) -> {
                if (partitions.test(archived)) {
                    Optional<ReplayOffsetMap> map = maps.computeIfAbsent(archived, p -> layout.replayMap(store, replay, p));
                    positions.add(translate(replay, archived, committed, map,
                            () -> archivedEnds.computeIfAbsent(archived, p -> lastArchivedOffset(store, layout, p))));
                }
            }));
            plans.add(new GroupPlan(group, snapshot, positions));
        }
        return plans;
    }

    /**
     * Translates one committed offset. A position beyond the last offset the replay mapped is translated only
     * when the replay has caught up with the archive: otherwise the archive may hold records before the position
     * that the replay has yet to write, and the group would read them twice.
     */
    static Position translate(String replay, TopicPartition archived, long committed, Optional<ReplayOffsetMap> map,
            Supplier<OptionalLong> archivedEnd) {
        if (map.isEmpty()) {
            return new Position(archived, committed, Optional.empty(), OptionalLong.empty(),
                    Optional.of("no offset map from " + replay + " (not replayed, or not yet)"));
        }
        ReplayOffsetMap replayed = map.get();
        OptionalLong last = replayed.lastArchivedOffset();
        if (last.isEmpty()) {
            return new Position(archived, committed, Optional.of(replayed.target()), OptionalLong.empty(),
                    Optional.of("not replayed yet (nothing replayed)"));
        }
        if (committed > last.getAsLong() + 1) {
            OptionalLong end = archivedEnd.get();
            if (end.isPresent() && end.getAsLong() > last.getAsLong()) {
                return new Position(archived, committed, Optional.of(replayed.target()), OptionalLong.empty(),
                        Optional.of("not replayed yet (replayed to archived offset " + last.getAsLong() + " of "
                                + end.getAsLong() + ")"));
            }
        }
        return new Position(archived, committed, Optional.of(replayed.target()), replayed.targetFor(committed),
                Optional.empty());
    }

    /** The last offset the archive holds of {@code partition}, as its index register says. */
    private static OptionalLong lastArchivedOffset(KeyValueStore store, ArchiveLayout layout, TopicPartition partition) {
        String key = layout.indexKey(partition);
        return store.get(key).map(bytes -> OptionalLong.of(PartitionIndex.parse(key, bytes).lastOffset()))
                .orElse(OptionalLong.empty());
    }
}
