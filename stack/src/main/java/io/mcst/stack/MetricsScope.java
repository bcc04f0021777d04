package io.mcst.stack;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who opened a stack: the connector, and the task when a task did. Its stores' metrics carry these as tags,
 * so two connectors that both name a store {@code aws} (or two tasks of one connector) keep apart.
 */
public record MetricsScope(String connector, Optional<String> task) {
    public MetricsScope {
        requireNonNull(connector, "connector");
        requireNonNull(task, "task");
    }

    /** The scope of a connector's own stack (a source connector lists the archive through one). */
    public static MetricsScope ofConnector(String connector) {
        return new MetricsScope(connector, Optional.empty());
    }

    /** The scope of one task's stack. */
    public static MetricsScope ofTask(String connector, String task) {
        return new MetricsScope(connector, Optional.of(task));
    }

    /** The tags of a store's metrics in this scope, in MBean order: connector, task, store. */
    Map<String, String> tags(String store) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        task.ifPresent(id -> tags.put("task", id));
        tags.put("store", store);
        return tags;
    }
}
