package io.mcst.cli;

import io.mcst.connector.source.SourceConfig;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreException;
import io.mcst.stores.StoreUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.DataException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the configuration, the optional topic and partition, and turning failures into
 * a message that names the store and key (from the exception) and what to do, with secrets hidden.
 */
abstract class ArchiveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The connector's configuration: Connect's JSON ({\"name\":..,\"config\":{..}}) or a .properties file.")
    Path config;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this archived topic.")
    String topic;

    @Option(names = "--partition", paramLabel = "P", description = "Only this partition (with or without --topic).")
    Integer partition;

    @Override
    public final Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ConnectorConfigFile file;
        try {
            file = ConnectorConfigFile.read(config);
        } catch (ConfigException e) {
            err.println("mcst " + spec.name() + ": " + e.getMessage());
            return Mcst.FAILED;
        }
        try (Archive archive = Archive.open(file, readOnly())) {
            return run(archive, spec.commandLine().getOut(), err);
        } catch (RuntimeException e) {
            err.println("mcst " + spec.name() + ": " + file.redact(describe(e, file.path())));
            return Mcst.FAILED;
        }
    }

    abstract int run(Archive archive, PrintWriter out, PrintWriter err);

    /** Whether the command only reads the archive. */
    abstract boolean readOnly();

    /** The key prefixes the selection covers: the whole archive, or each selected partition's. */
    final List<String> keyPrefixes(Archive archive, Collection<TopicPartition> selected) {
        if (topic == null && partition == null) {
            return List.of(archive.layout().prefix() + "/");
        }
        return selected.stream().map(archive.layout()::partitionPrefix).toList();
    }

    private static String describe(RuntimeException e, Path config) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof StoreUnavailableException) {
            return message + "\n  what to do: check that the stores named above answer (network, credentials, bucket) "
                    + "and rerun; commands need a quorum of stores";
        }
        if (e instanceof StoreCorruptionException) {
            return message + "\n  what to do: run 'mcst verify' to see which stores hold bad copies, then 'mcst repair'";
        }
        if (e instanceof StoreException) {
            return message + "\n  what to do: fix the store named above (credentials, bucket or container name, "
                    + "permissions) in " + config + " and rerun";
        }
        if (e instanceof ConfigException) {
            return "invalid configuration " + config + ": " + message;
        }
        if (e instanceof DataException) {
            return message + "\n  what to do: the segment named above cannot be decoded; 'mcst verify' shows whether "
                    + "a good copy remains at some store";
        }
        if (e instanceof UnsupportedOperationException || e instanceof IllegalArgumentException) {
            return message;
        }
        return e.getClass().getSimpleName() + ": " + message;
    }

    /** Epoch millis of an ISO-8601 instant or epoch milliseconds, as the source's start.time takes them. */
    static long instant(String text, String option) {
        try {
            return SourceConfig.parseInstant(text).map(Instant::toEpochMilli)
                    .orElseThrow(() -> new IllegalArgumentException("empty"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " '" + text
                    + "': use an ISO-8601 instant such as 2026-11-28T06:00:00Z, or epoch milliseconds", e);
        }
    }
}
