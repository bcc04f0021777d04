package io.mcst.cli;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.archive.SegmentKey;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.format.RecordFormats;
import io.mcst.connector.sink.SinkConfig;
import io.mcst.replication.ReplicaCensus;
import io.mcst.stack.MetricsScope;
import io.mcst.stack.StackConfig;
import io.mcst.stack.StoreStack;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.DataException;

/**
 * One archive opened as the connector configuration describes it: the whole store stack (replication and the
 * layers, as the sink writes and the source reads), and, for per-store inspection, the base stores alone.
 */
final class Archive implements AutoCloseable {
    /** The tool's stores' metrics (in its own JVM, so apart from any connector's). */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("mcst");

    private final ConnectorConfigFile config;
    private final ArchiveLayout layout;
    private final KeyValueStore store;
    private final StackConfig stack;
    private List<KeyValueStore> baseStores;
    private ReplicaCensus census;

    private Archive(ConnectorConfigFile config, ArchiveLayout layout, KeyValueStore store, StackConfig stack) {
        this.config = config;
        this.layout = layout;
        this.store = store;
        this.stack = stack;
    }

    /**
     * Opens the archive {@code config} describes. A command that only reads opens it with regular semantics,
     * whose reads never write (an atomic read writes back what it returns), so looking changes nothing.
     */
    static Archive open(ConnectorConfigFile config, boolean readOnly) {
        Map<String, String> props = new HashMap<>(config.props());
        if (readOnly) {
            props.put(StackConfig.REPLICATION_SEMANTICS_CONFIG, "regular");
        }
        String prefix = props.getOrDefault(SinkConfig.ARCHIVE_PREFIX_CONFIG, SinkConfig.DEFAULT_ARCHIVE_PREFIX);
        ArchiveLayout layout;
        try {
            layout = new ArchiveLayout(prefix);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SinkConfig.ARCHIVE_PREFIX_CONFIG + " in " + config.path() + ": " + e.getMessage());
        }
        KeyValueStore store = StoreStack.open(props, SCOPE);
        return new Archive(config, layout, store, new StackConfig(props));
    }

    /** The configuration the archive was opened with: secrets in clear, so never print it. */
    ConnectorConfigFile config() {
        return config;
    }

    ArchiveLayout layout() {
        return layout;
    }

    /** The replicated store with its layers: what the connectors read and write. */
    KeyValueStore store() {
        return store;
    }

    List<String> storeNames() {
        return stack.storeNames();
    }

    /** What each base store holds of the archive's keys (whole values or erasure-code fragments). */
    ReplicaCensus census() {
        if (census == null) {
            baseStores = StoreStack.openBaseStores(stack.originalsStrings(), SCOPE);
            census = new ReplicaCensus(baseStores, stack.getInt(StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG),
                    stack.getInt(StackConfig.REPLICATION_INLINE_MAX_BYTES_CONFIG), stack.dataFragments(baseStores.size()));
        }
        return census;
    }

    /** The archived partitions, narrowed to {@code topic} and {@code partition} when given. */
    SortedSet<TopicPartition> partitions(String topic, Integer partition) {
        SortedSet<TopicPartition> all = topic == null ? layout.partitions(store) : layout.partitions(store, topic);
        if (partition == null) {
            return all;
        }
        SortedSet<TopicPartition> one = new TreeSet<>(all.comparator());
        all.stream().filter(p -> p.partition() == partition).forEach(one::add);
        return one;
    }

    /** A segment's bytes as the sink wrote them (below the layers), or empty if it is gone. */
    byte[] segmentBytes(SegmentKey segment) {
        return store.get(segment.key()).orElseThrow(() -> new StoreException("segment '" + segment.key()
                + "' is listed but reads as absent: it was expired or removed meanwhile; rerun to see the archive as it is now"));
    }

    /** A segment's records, decoded by the format its extension names. */
    static List<ArchivedRecord> decode(SegmentKey segment, byte[] bytes) {
        return RecordFormats.forExtension(segment.extension())
                .orElseThrow(() -> new DataException("segment '" + segment.key() + "' has extension ." + segment.extension()
                        + ", which no known format writes (" + RecordFormats.NAMES + ")"))
                .read(segment, bytes);
    }

    String redact(String text) {
        return config.redact(text);
    }

    @Override
    public void close() {
        List<AutoCloseable> closing = new ArrayList<>();
        if (census != null) {
            closing.add(census);
            closing.addAll(baseStores);
        }
        closing.add(store);
        for (AutoCloseable closable : closing) {
            try {
                closable.close();
            } catch (Exception ignored) {
                // closing what is already broken must not hide the command's outcome
            }
        }
    }
}
