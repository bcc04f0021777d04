package io.mcst.connector.source;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.TaskIdentity;
import io.mcst.connector.Version;
import io.mcst.stack.StackConfig;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays archived topics back into Kafka. Lists the archive for the selected topics' partitions, deals them to
 * tasks, and keeps listing every {@code archive.poll.interval.ms} so that partitions archived later (a live
 * archive, a new topic matching the regex) get a task too.
 *
 * <p>Exactly-once source delivery (KIP-618) is supported: a record's source offset is its place in the archive,
 * which no replay changes, so the worker can commit records and offsets in one transaction and a restart resumes
 * after the last committed record.
 */
public final class MultiCloudSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(MultiCloudSourceConnector.class);

    private Map<String, String> props;
    private KeyValueStore store;
    private ArchiveLayout layout;
    private TopicSelection topics;
    private ScheduledExecutorService watcher;
    /** The partitions the current task configurations cover. */
    private volatile Set<TopicPartition> assigned = Set.of();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public ConfigDef config() {
        return SourceConfig.CONFIG_DEF;
    }

    /**
     * Every error at once, each against its key, as Connect's validate REST shows them: the ConfigDef's, the
     * storage rules (each store's {@code store.<name>.*} keys, t against n), and the rules that span two keys.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        List<ConfigValue> values = new ArrayList<>(StackConfig.validate(SourceConfig.CONFIG_DEF, connectorConfigs));
        Map<String, Object> parsed = new HashMap<>();
        values.forEach(value -> parsed.put(value.name(), value.value()));
        Map<String, String> problems = SourceConfig.crossKeyProblems(parsed);
        values.stream()
                .filter(value -> problems.containsKey(value.name()))
                .forEach(value -> value.addErrorMessage(problems.get(value.name())));
        return new Config(values);
    }

    @Override
    public void start(Map<String, String> props) {
        SourceConfig config = new SourceConfig(props);
        this.props = Map.copyOf(props);
        this.layout = new ArchiveLayout(config.archivePrefix());
        this.topics = config.topicSelection();
        this.store = StoreStack.open(props, TaskIdentity.connectorScope(props));
        try {
            assigned = listArchive();
        } catch (StoreException e) {
            log.warn("cannot list archive '{}' yet, starting with no tasks and listing again every {} ms: {}",
                    layout.prefix(), config.pollIntervalMs(), e.getMessage());
        }
        log.info("replaying {} archived partitions of {} from '{}'", assigned.size(), topics, layout.prefix());
        watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mcst-source-archive-watcher");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::watchArchive, config.pollIntervalMs(), config.pollIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    /** Asks the worker for new task configurations when the archive's partitions changed. */
    private void watchArchive() {
        try {
            Set<TopicPartition> found = listArchive();
            if (!found.equals(assigned)) {
                log.info("archive '{}' now holds {} partitions of {} (was {}); reconfiguring tasks",
                        layout.prefix(), found.size(), topics, assigned.size());
                assigned = found;
                context().requestTaskReconfiguration();
            }
        } catch (StoreException e) {
            log.warn("cannot list archive '{}' for new partitions, trying again later: {}", layout.prefix(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("watching archive '{}' failed", layout.prefix(), e);
            context().raiseError(e);
        }
    }

    private Set<TopicPartition> listArchive() {
        Set<TopicPartition> partitions = new HashSet<>();
        topics.namedTopics().ifPresentOrElse(
                named -> named.forEach(topic -> partitions.addAll(layout.partitions(store, topic))),
                () -> layout.partitions(store).stream()
                        .filter(partition -> topics.includes(partition.topic()))
                        .forEach(partitions::add));
        return Set.copyOf(partitions);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MultiCloudSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskIdentity.numbered(TaskAssignment.distribute(assigned, maxTasks).stream()
                .map(share -> {
                    Map<String, String> taskProps = new HashMap<>(props);
                    taskProps.put(SourceConfig.TASK_PARTITIONS_CONFIG, TaskAssignment.encode(share));
                    return Map.copyOf(taskProps);
                })
                .toList());
    }

    @Override
    public void stop() {
        if (watcher != null) {
            watcher.shutdownNow();
            try {
                watcher.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store != null) {
            store.close();
        }
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /** The worker defines transactions (per poll batch by default); a replay has no natural boundaries of its own. */
    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.UNSUPPORTED;
    }

    /** Accepts offsets this connector could have written: resets (null) and well-formed positions. */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        offsets.forEach((partition, offset) -> {
            if (!(partition.get(ReplayPosition.TOPIC_KEY) instanceof String)
                    || !(partition.get(ReplayPosition.PARTITION_KEY) instanceof Number)) {
                throw new ConnectException("source partition " + partition + " is not {" + ReplayPosition.TOPIC_KEY
                        + ": archived topic, " + ReplayPosition.PARTITION_KEY + ": partition number}");
            }
            if (offset != null) {
                ReplayPosition.fromSourceOffset(partition, offset);
            }
        });
        return true;
    }
}
