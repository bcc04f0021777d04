package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.ReplayOffsetMap;
import io.mcst.connector.archive.ReplayOffsetMap.Builder.Change;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records where a task's replay put each archived record: the target offset of every acknowledged record, per
 * archived partition, as a {@link ReplayOffsetMap} in the archive under the source connector's name, so a restore
 * can translate consumer group positions later, and a restore redone or resumed still can.
 *
 * <p>A partition replays only once its stored map is read ({@link #ready}), so a restart extends the map rather
 * than replacing it. The maps are written on {@link #flush} (the task's {@code commit()}, after Connect stored the
 * source offsets), each only when it changed. A crash between Connect storing the offsets and the map's write
 * leaves the map behind the position the replay resumes from: the records in between were replayed at target
 * offsets the map never learned, so the map records them as {@link ReplayOffsetMap.Unmapped unmapped}, never as
 * absent. Records replayed again after a restart (acknowledged beyond the stored offsets) replace their earlier
 * mapping. Thread-safe: the producer's callbacks, the task's thread and the offset committer call it.
 */
final class OffsetMapRecorder {
    private static final Logger log = LoggerFactory.getLogger(OffsetMapRecorder.class);

    private final String replay;
    private final ArchiveLayout layout;
    private final KeyValueStore store;
    private final Map<TopicPartition, PartitionMap> maps = new LinkedHashMap<>();
    /** Held while writing, so that two flushes never store an older map over a newer one. */
    private final Object writing = new Object();
    /** Set by {@link #close}, under {@link #writing}: the store is about to close. */
    private boolean closed;

    /** One archived partition's map: unread until {@link #ready}, then built on. */
    private static final class PartitionMap {
        final TopicPartition target;
        /** The archived offset the replay resumes after, if it resumes. */
        final OptionalLong resumeAfter;
        ReplayOffsetMap.Builder builder;
        boolean dirty;
        long notBeforeMs;
        int failedAttempts;
        TopicPartition warnedTarget;

        PartitionMap(TopicPartition target, OptionalLong resumeAfter) {
            this.target = target;
            this.resumeAfter = resumeAfter;
        }
    }

    /**
     * @param replay the source connector's name, which the maps are stored under
     */
    OffsetMapRecorder(String replay, ArchiveLayout layout, KeyValueStore store) {
        this.replay = requireNonNull(replay, "replay");
        this.layout = requireNonNull(layout, "layout");
        this.store = requireNonNull(store, "store");
    }

    /** Records {@code archived}, replayed into {@code target}, resuming after archived offset {@code resumeAfter}. */
    synchronized void register(TopicPartition archived, TopicPartition target, OptionalLong resumeAfter) {
        maps.put(archived, new PartitionMap(target, resumeAfter));
    }

    /**
     * Whether {@code archived}'s stored map is read, so its records may be replayed; reads it if not, at most once a
     * backoff when the stores do not answer.
     *
     * @throws ConnectException naming the key when the stored map is not one this version reads
     */
    synchronized boolean ready(TopicPartition archived, long nowMs) {
        PartitionMap map = maps.get(archived);
        if (map.builder != null) {
            return true;
        }
        if (nowMs < map.notBeforeMs) {
            return false;
        }
        Optional<ReplayOffsetMap> stored;
        try {
            stored = layout.replayMap(store, replay, archived);
        } catch (StoreUnavailableException e) {
            map.failedAttempts++;
            long backoff = Math.min(PartitionReplay.MAX_BACKOFF_MS,
                    PartitionReplay.INITIAL_BACKOFF_MS << Math.min(map.failedAttempts - 1, 16));
            map.notBeforeMs = nowMs + backoff;
            log.warn("could not read the offset map of {} from a quorum of stores (attempt {}); retrying in {} ms: {}",
                    archived, map.failedAttempts, backoff, e.getMessage());
            return false;
        } catch (DataException | StoreException e) {
            throw new ConnectException("cannot read the offset map of " + archived + " at '"
                    + layout.replayMapKey(replay, archived) + "': " + e.getMessage(), e);
        }
        ReplayOffsetMap start = stored.filter(m -> m.target().equals(map.target))
                .orElse(ReplayOffsetMap.empty(replay, archived, map.target));
        if (stored.isPresent() && !stored.get().target().equals(map.target)) {
            log.warn("{}: the stored offset map of replay '{}' is of target {}, this replay writes into {}; starting a "
                    + "new map, which replaces it", archived, replay, stored.get().target(), map.target);
        }
        map.builder = new ReplayOffsetMap.Builder(start);
        OptionalLong mapped = map.builder.lastArchivedOffset();
        if (map.resumeAfter.isPresent() && (mapped.isEmpty() || mapped.getAsLong() < map.resumeAfter.getAsLong())) {
            long first = mapped.isPresent() ? mapped.getAsLong() + 1 : 0;
            map.builder.unmapped(first, map.resumeAfter.getAsLong(), 0);
            map.dirty = true;
            log.warn("{}: the replay resumes after archived offset {}, but its offset map ends at {}: offsets {}..{} were "
                    + "replayed at target offsets the map did not store before the task stopped; restores into them "
                    + "resume at the lowest possible target offset (records may be read twice, none skipped)", archived,
                    map.resumeAfter.getAsLong(), mapped.isPresent() ? mapped.getAsLong() : "nothing", first,
                    map.resumeAfter.getAsLong());
        }
        return true;
    }

    /** When {@code archived}'s map may next be read, if {@link #ready} said no. */
    synchronized long notBeforeMs(TopicPartition archived) {
        return maps.get(archived).notBeforeMs;
    }

    /** Records that the record at {@code archivedOffset} of {@code archived} is at {@code targetOffset} of {@code target}. */
    synchronized void acknowledged(TopicPartition archived, long archivedOffset, TopicPartition target, long targetOffset) {
        PartitionMap map = maps.get(archived);
        if (map == null || map.builder == null) {
            return; // not read yet: its records are not replayed either
        }
        if (!target.equals(map.target)) {
            if (!target.equals(map.warnedTarget)) {
                map.warnedTarget = target;
                log.warn("{}: records land in {} (a transform routed them?), not in {}; the offset map records only "
                        + "{}", archived, target, map.target, map.target);
            }
            return;
        }
        Change change = map.builder.replayed(archivedOffset, targetOffset);
        if (change == Change.RESTARTED) {
            log.warn("{}: archived offset {} went to target offset {}, before what the offset map holds of {}: the "
                    + "target partition was recreated, so the map starts anew", archived, archivedOffset, targetOffset,
                    map.target);
        }
        map.dirty = true;
    }

    /**
     * Writes each map that changed since it was last written; a store failure leaves it for the next flush. Runs
     * beside the task's polls (a store write takes a quorum round); does nothing once {@link #close}d.
     */
    void flush() {
        synchronized (writing) {
            if (closed) {
                return;
            }
            Map<TopicPartition, ReplayOffsetMap> changed = new LinkedHashMap<>();
            synchronized (this) {
                maps.forEach((archived, map) -> {
                    if (map.dirty) {
                        changed.put(archived, map.builder.build());
                        map.dirty = false;
                    }
                });
            }
            changed.forEach((archived, built) -> {
                try {
                    store.put(layout.replayMapKey(replay, archived), built.toBytes());
                } catch (StoreException e) {
                    log.warn("could not write the offset map of {}; writing it at the next commit: {}", archived,
                            e.getMessage());
                    synchronized (this) {
                        maps.get(archived).dirty = true;
                    }
                }
            });
        }
    }

    /** Writes what changed for the last time; later flushes do nothing, so the store may close. */
    void close() {
        synchronized (writing) {
            flush();
            closed = true;
        }
    }
}
