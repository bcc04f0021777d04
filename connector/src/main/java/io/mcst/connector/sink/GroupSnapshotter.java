package io.mcst.connector.sink;

import static java.util.Objects.requireNonNull;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.GroupSnapshot;
import io.mcst.stores.KeyValueStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots the committed offsets of the chosen consumer groups on the archived topics into the archive, every
 * {@code groups.snapshot.interval.ms}, as {@link GroupSnapshot} blobs. The connector's first task runs it on a
 * thread of its own, so a slow or unreachable cluster never holds up archiving, with the task's store and for the
 * task's lifetime.
 *
 * <p>A snapshot is written when a group's offsets changed since the last one this snapshotter wrote (and once
 * after start), so an idle group costs no blob and its last snapshot stays its position. A group that is gone
 * (deleted, or no longer matching) gets no new snapshot; its last one stays. A failure (cluster or stores) is
 * logged as a WARN and retried at the next interval; it never fails the task.
 */
final class GroupSnapshotter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupSnapshotter.class);

    private final ConsumerGroups groups;
    private final GroupSelection selection;
    private final Predicate<String> archivedTopics;
    private final KeyValueStore store;
    private final ArchiveLayout layout;
    private final LongSupplier clock;
    /** Per group, the offsets of the last snapshot written. */
    private final Map<String, Map<TopicPartition, Long>> written = new HashMap<>();
    private ScheduledExecutorService executor;

    GroupSnapshotter(ConsumerGroups groups, GroupSelection selection, Predicate<String> archivedTopics,
            KeyValueStore store, ArchiveLayout layout, LongSupplier clock) {
        this.groups = requireNonNull(groups, "groups");
        this.selection = requireNonNull(selection, "selection");
        this.archivedTopics = requireNonNull(archivedTopics, "archivedTopics");
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Snapshots now, then every {@code intervalMs}, on a daemon thread, until {@link #close}. */
    void start(long intervalMs) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mcst-sink-group-snapshots");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::snapshotLogged, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void snapshotLogged() {
        try {
            snapshot();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (RuntimeException e) {
            log.warn("could not snapshot consumer groups; retrying at the next interval: {}", e.getMessage(), e);
        }
    }

    /**
     * One round: lists the groups, reads the selected ones' committed offsets on the archived topics, and writes a
     * snapshot of each whose offsets changed. Returns how many snapshots it wrote.
     *
     * @throws RuntimeException when the cluster cannot list its groups
     */
    int snapshot() throws InterruptedException {
        List<String> chosen = groups.list().stream().filter(selection::includes).sorted().toList();
        int snapshots = 0;
        for (String group : chosen) {
            try {
                if (snapshot(group)) {
                    snapshots++;
                }
            } catch (RuntimeException e) {
                log.warn("could not snapshot consumer group '{}'; retrying at the next interval: {}", group,
                        e.getMessage(), e);
            }
        }
        return snapshots;
    }

    private boolean snapshot(String group) throws InterruptedException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        groups.committedOffsets(group).forEach((partition, offset) -> {
            if (archivedTopics.test(partition.topic())) {
                offsets.put(partition, offset);
            }
        });
        if (offsets.isEmpty() || offsets.equals(written.get(group))) {
            return false;
        }
        // Read before the clock: each offset was committed by the snapshot's time.
        GroupSnapshot snapshot = new GroupSnapshot(group, clock.getAsLong(), offsets);
        store.put(layout.groupSnapshotKey(group, snapshot.timeMs()), snapshot.toBytes());
        written.put(group, Map.copyOf(offsets));
        log.debug("snapshot of consumer group '{}' at {}: {}", group, snapshot.timeMs(), offsets);
        return true;
    }

    /** Stops snapshotting (waiting for a round in progress) and closes the cluster client. */
    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        groups.close();
    }
}
