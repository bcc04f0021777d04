package io.mcst.connector;

import io.mcst.stack.MetricsScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Which connector and task opened a stack, for its metrics' tags. Connect does not tell a task its own id,
 * so the connectors number their task configurations ({@value #TASK_ID_CONFIG}); the connector's name is
 * the {@code name} key Connect puts into every connector and task configuration.
 */
public final class TaskIdentity {
    /** The task's index among its connector's tasks, added by the connector to each task configuration. */
    public static final String TASK_ID_CONFIG = "task.id";
    /** Connect's own key (ConnectorConfig.NAME_CONFIG, in connect-runtime, which a plugin does not see). */
    static final String CONNECTOR_NAME_CONFIG = "name";

    private TaskIdentity() {}

    /** {@code taskConfigs}, each with its index as {@value #TASK_ID_CONFIG}. */
    public static List<Map<String, String>> numbered(List<Map<String, String>> taskConfigs) {
        List<Map<String, String>> numbered = new ArrayList<>(taskConfigs.size());
        for (Map<String, String> config : taskConfigs) {
            Map<String, String> taskProps = new HashMap<>(config);
            taskProps.put(TASK_ID_CONFIG, Integer.toString(numbered.size()));
            numbered.add(Map.copyOf(taskProps));
        }
        return numbered;
    }

    /** The scope of the stack a connector opens with its configuration {@code props}. */
    public static MetricsScope connectorScope(Map<String, String> props) {
        return MetricsScope.ofConnector(connectorName(props));
    }

    /**
     * The scope of the stack a task opens with its configuration {@code props}. A task configuration written
     * by a version that did not number tasks counts under the connector until Connect hands out new ones.
     */
    public static MetricsScope taskScope(Map<String, String> props) {
        String task = props.get(TASK_ID_CONFIG);
        return task == null ? connectorScope(props) : MetricsScope.ofTask(connectorName(props), task);
    }

    /** The connector's name, from a connector or task configuration. */
    public static String connectorName(Map<String, String> props) {
        String name = props.get(CONNECTOR_NAME_CONFIG);
        if (name == null) {
            throw new ConnectException("the configuration has no '" + CONNECTOR_NAME_CONFIG
                    + "': Connect sets it to the connector's name; set it when starting a connector by hand");
        }
        return name;
    }
}
