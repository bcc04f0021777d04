package io.mcst.connector.archive;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;

/**
 * Where a replay put the records of one archived partition: archived offset to target offset, so a restore can
 * translate a consumer group's committed offset (see {@link GroupSnapshot}) into the replayed topic. The source
 * connector named {@code replay} writes it at {@link ArchiveLayout#replayMapKey} as the replay progresses.
 *
 * <p>Replayed offsets are contiguous in both spaces except where compaction or transaction markers left gaps, so
 * the map is a sparse list of {@link Run runs}, each a stretch of consecutive archived offsets replayed at
 * consecutive target offsets. An {@link Unmapped} range stands for records that may have been replayed without
 * the map learning where (the replay resumed past offsets whose acknowledgements the map had not stored before a
 * crash): lookups in it answer the range's lowest possible target offset, so a consumer may read some records
 * twice but misses none. Entries are in increasing archived and target order and do not overlap. Stored as JSON:
 *
 * <pre>{@code
 * {"version": 1, "replay": "restore-orders", "archived": {"topic": "orders", "partition": 0},
 *  "target": {"topic": "orders-restored", "partition": 0},
 *  "runs": [[0, 0, 100], [105, 100, 20]], "unmapped": [[125, 130, 120]]}
 * }</pre>
 *
 * {@code runs} are {@code [archivedStart, targetStart, length]}; {@code unmapped} are {@code [archivedFirst,
 * archivedLast, targetFrom]}.
 *
 * @param replay the name of the source connector that replayed
 * @param entries runs and unmapped ranges in archived order
 */
public record ReplayOffsetMap(String replay, TopicPartition archived, TopicPartition target, List<Entry> entries) {
    private static final int VERSION = 1;
    private static final String WHAT = "replay offset map";

    /** A stretch of the map: an exact {@link Run} or an {@link Unmapped} range. */
    public sealed interface Entry permits Run, Unmapped {
        long archivedFirst();

        long archivedLast();

        /** The lowest target offset the entry's records may have. */
        long targetFirst();

        /** The target offset after the entry's records, as far as the map knows. */
        long targetAfter();
    }

    /** Archived offsets {@code archivedStart .. archivedStart + length - 1} replayed at {@code targetStart ..}. */
    public record Run(long archivedStart, long targetStart, long length) implements Entry {
        public Run {
            if (archivedStart < 0 || targetStart < 0 || length < 1
                    || archivedStart > Long.MAX_VALUE - length || targetStart > Long.MAX_VALUE - length) {
                throw new IllegalArgumentException("not a run of replayed offsets: archived " + archivedStart + ", target "
                        + targetStart + ", length " + length);
            }
        }

        @Override
        public long archivedFirst() {
            return archivedStart;
        }

        @Override
        public long archivedLast() {
            return archivedStart + length - 1;
        }

        @Override
        public long targetFirst() {
            return targetStart;
        }

        @Override
        public long targetAfter() {
            return targetStart + length;
        }
    }

    /** Archived offsets {@code archivedFirst .. archivedLast} may have been replayed, at target offsets from {@code targetFrom} on. */
    public record Unmapped(long archivedFirst, long archivedLast, long targetFrom) implements Entry {
        public Unmapped {
            if (archivedFirst < 0 || archivedLast < archivedFirst || targetFrom < 0) {
                throw new IllegalArgumentException("not an unmapped range: archived " + archivedFirst + ".." + archivedLast
                        + ", target from " + targetFrom);
            }
        }

        @Override
        public long targetFirst() {
            return targetFrom;
        }

        @Override
        public long targetAfter() {
            return targetFrom;
        }
    }

    public ReplayOffsetMap {
        requireNonNull(replay, "replay");
        requireNonNull(archived, "archived");
        requireNonNull(target, "target");
        if (replay.isEmpty()) {
            throw new IllegalArgumentException("a replay's connector name must not be empty");
        }
        for (TopicPartition partition : List.of(archived, target)) {
            if (!ArchiveLayout.isTopicName(partition.topic()) || partition.partition() < 0) {
                throw new IllegalArgumentException("not a topic partition: " + partition);
            }
        }
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            Entry before = entries.get(i - 1);
            Entry after = entries.get(i);
            if (after.archivedFirst() <= before.archivedLast() || after.targetFirst() < before.targetAfter()) {
                throw new IllegalArgumentException("entries out of order or overlapping: " + before + " then " + after);
            }
        }
    }

    /** A map of a replay that has replayed nothing yet. */
    public static ReplayOffsetMap empty(String replay, TopicPartition archived, TopicPartition target) {
        return new ReplayOffsetMap(replay, archived, target, List.of());
    }

    /** The last archived offset the map covers, or empty if it covers none. */
    public OptionalLong lastArchivedOffset() {
        return entries.isEmpty() ? OptionalLong.empty() : OptionalLong.of(entries.get(entries.size() - 1).archivedLast());
    }

    /**
     * The target offset at which a consumer that had consumed every record before {@code committedArchivedOffset}
     * (a committed offset: the next record to read) resumes: the target offset of the first replayed archived
     * offset at or after it; the last target offset + 1 when it is beyond every replayed offset; the lowest
     * possible target offset when it falls in an {@link Unmapped} range (or a gap just before one). Empty when
     * nothing is replayed yet.
     */
    public OptionalLong targetFor(long committedArchivedOffset) {
        if (committedArchivedOffset < 0) {
            throw new IllegalArgumentException("a committed offset is never negative: " + committedArchivedOffset);
        }
        if (entries.isEmpty()) {
            return OptionalLong.empty();
        }
        // The first entry that ends at or after the offset: binary search over archivedLast, which increases.
        int low = 0;
        int high = entries.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (entries.get(mid).archivedLast() < committedArchivedOffset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        if (low == entries.size()) {
            return OptionalLong.of(entries.get(low - 1).targetAfter());
        }
        Entry entry = entries.get(low);
        if (entry instanceof Run run && committedArchivedOffset >= run.archivedStart()) {
            return OptionalLong.of(run.targetStart() + (committedArchivedOffset - run.archivedStart()));
        }
        return OptionalLong.of(entry.targetFirst());
    }

    public byte[] toBytes() {
        ObjectNode root = ArchiveJson.object();
        root.put("version", VERSION);
        root.put("replay", replay);
        root.putObject("archived").put("topic", archived.topic()).put("partition", archived.partition());
        root.putObject("target").put("topic", target.topic()).put("partition", target.partition());
        ArrayNode runs = root.putArray("runs");
        ArrayNode unmapped = root.putArray("unmapped");
        for (Entry entry : entries) {
            if (entry instanceof Run run) {
                runs.addArray().add(run.archivedStart()).add(run.targetStart()).add(run.length());
            } else {
                unmapped.addArray().add(entry.archivedFirst()).add(entry.archivedLast()).add(entry.targetFirst());
            }
        }
        return ArchiveJson.toBytes(root);
    }

    /**
     * Reads the map stored at {@code key}.
     *
     * @throws DataException naming the key when the blob is not a map this version wrote, or says another replay
     *     or archived partition than its key
     */
    public static ReplayOffsetMap parse(String key, byte[] bytes) {
        requireNonNull(key, "key");
        JsonNode root = ArchiveJson.readObject(WHAT, key, bytes,
                Set.of("version", "replay", "archived", "target", "runs", "unmapped"));
        ArchiveJson.checkVersion(WHAT, key, root, VERSION);
        String replay = ArchiveJson.text(WHAT, key, root, "replay");
        TopicPartition archived = partition(key, root.get("archived"), "archived");
        TopicPartition target = partition(key, root.get("target"), "target");
        List<Entry> entries = new ArrayList<>();
        try {
            for (long[] run : triples(key, root.get("runs"), "runs")) {
                entries.add(new Run(run[0], run[1], run[2]));
            }
            for (long[] range : triples(key, root.get("unmapped"), "unmapped")) {
                entries.add(new Unmapped(range[0], range[1], range[2]));
            }
        } catch (IllegalArgumentException e) {
            throw ArchiveJson.malformed(WHAT, key, e.getMessage());
        }
        entries.sort((a, b) -> Long.compare(a.archivedFirst(), b.archivedFirst()));
        ReplayOffsetMap map;
        try {
            map = new ReplayOffsetMap(replay, archived, target, entries);
        } catch (IllegalArgumentException e) {
            throw ArchiveJson.malformed(WHAT, key, e.getMessage());
        }
        if (!key.endsWith("/" + ArchiveLayout.replayMapName(replay, archived))) {
            throw ArchiveJson.malformed(WHAT, key, "it holds replay '" + replay + "' of " + archived
                    + ", which is not what its key says (a blob copied under another key?)");
        }
        return map;
    }

    private static TopicPartition partition(String key, JsonNode node, String field) {
        ArchiveJson.checkFields(WHAT, key, node, Set.of("topic", "partition"), "'" + field + "'");
        String topic = ArchiveJson.text(WHAT, key, node, "topic");
        if (!ArchiveLayout.isTopicName(topic)) {
            throw ArchiveJson.malformed(WHAT, key, "'" + topic + "' in '" + field + "' is not a Kafka topic name");
        }
        return new TopicPartition(topic, ArchiveJson.smallCount(WHAT, key, node.get("partition"), field + ".partition"));
    }

    private static List<long[]> triples(String key, JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw ArchiveJson.malformed(WHAT, key, "'" + field + "' is not an array");
        }
        List<long[]> triples = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isArray() || element.size() != 3) {
                throw ArchiveJson.malformed(WHAT, key, "an element of '" + field + "' is not an array of 3 numbers: " + element);
            }
            triples.add(new long[] {ArchiveJson.count(WHAT, key, element.get(0), field),
                    ArchiveJson.count(WHAT, key, element.get(1), field), ArchiveJson.count(WHAT, key, element.get(2), field)});
        }
        return triples;
    }

    /**
     * Builds a map as the replay's records are acknowledged. Not thread-safe: the caller serializes.
     */
    public static final class Builder {
        /** What {@link #replayed} did to the map. */
        public enum Change {
            /** Extended the last run or started a new one after it. */
            APPENDED,
            /** The offset was at or below the last mapped one (records replayed again after a restart): the map
             *  dropped what it held from that offset on, so it now points at the latest copy. */
            REWOUND,
            /** The target offset was not beyond the map's (the target partition was recreated): the map restarted. */
            RESTARTED
        }

        private final String replay;
        private final TopicPartition archived;
        private final TopicPartition target;
        private final List<Entry> entries;

        public Builder(ReplayOffsetMap start) {
            this.replay = start.replay();
            this.archived = start.archived();
            this.target = start.target();
            this.entries = new ArrayList<>(start.entries());
        }

        /** Records that the record at {@code archivedOffset} was written at {@code targetOffset}. */
        public Change replayed(long archivedOffset, long targetOffset) {
            if (archivedOffset < 0 || targetOffset < 0) {
                throw new IllegalArgumentException("offsets are never negative: " + archivedOffset + " -> " + targetOffset);
            }
            Change change = Change.APPENDED;
            if (!entries.isEmpty() && archivedOffset <= last().archivedLast()) {
                truncateFrom(archivedOffset);
                change = Change.REWOUND;
            }
            if (!entries.isEmpty() && targetOffset < last().targetAfter()) {
                entries.clear();
                change = Change.RESTARTED;
            }
            if (!entries.isEmpty() && last() instanceof Run run
                    && run.archivedLast() + 1 == archivedOffset && run.targetAfter() == targetOffset) {
                entries.set(entries.size() - 1, new Run(run.archivedStart(), run.targetStart(), run.length() + 1));
            } else {
                entries.add(new Run(archivedOffset, targetOffset, 1));
            }
            return change;
        }

        /**
         * Records that archived offsets {@code archivedFirst .. archivedLast}, after everything mapped, may have been
         * replayed at unknown target offsets, none below the map's last target offset + 1 ({@code targetFrom} when the
         * map is empty).
         */
        public void unmapped(long archivedFirst, long archivedLast, long targetFrom) {
            long from = entries.isEmpty() ? targetFrom : last().targetAfter();
            if (!entries.isEmpty() && archivedFirst <= last().archivedLast()) {
                throw new IllegalArgumentException("unmapped range " + archivedFirst + ".." + archivedLast
                        + " is not after the map's last offset " + last().archivedLast());
            }
            entries.add(new Unmapped(archivedFirst, archivedLast, from));
        }

        /** The last archived offset mapped, or empty. */
        public OptionalLong lastArchivedOffset() {
            return entries.isEmpty() ? OptionalLong.empty() : OptionalLong.of(last().archivedLast());
        }

        public ReplayOffsetMap build() {
            return new ReplayOffsetMap(replay, archived, target, entries);
        }

        private Entry last() {
            return entries.get(entries.size() - 1);
        }

        private void truncateFrom(long archivedOffset) {
            while (!entries.isEmpty() && last().archivedFirst() >= archivedOffset) {
                entries.remove(entries.size() - 1);
            }
            if (!entries.isEmpty() && last().archivedLast() >= archivedOffset) {
                Entry cut = last();
                entries.set(entries.size() - 1, cut instanceof Run run
                        ? new Run(run.archivedStart(), run.targetStart(), archivedOffset - run.archivedStart())
                        : new Unmapped(cut.archivedFirst(), archivedOffset - 1, cut.targetFirst()));
            }
        }
    }
}
