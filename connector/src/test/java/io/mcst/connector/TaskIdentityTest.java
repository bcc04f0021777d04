package io.mcst.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.sink.MultiCloudSinkConnector;
import io.mcst.stack.MetricsScope;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class TaskIdentityTest {
    @Test
    void theSinkConnectorNumbersItsTasksAndEachTaskScopesItsMetricsSo() {
        MultiCloudSinkConnector connector = new MultiCloudSinkConnector();
        connector.start(Map.of("name", "orders-archive", "stores", "m", "store.m.type", "memory", "topics", "orders"));
        List<Map<String, String>> configs = connector.taskConfigs(3);

        assertThat(configs).extracting(TaskIdentity::taskScope).containsExactly(
                MetricsScope.ofTask("orders-archive", "0"), MetricsScope.ofTask("orders-archive", "1"),
                MetricsScope.ofTask("orders-archive", "2"));
        assertThat(configs).allSatisfy(config -> assertThat(config).containsEntry("stores", "m"));
    }

    @Test
    void aTaskConfigurationWithoutANumberCountsUnderItsConnector() {
        assertThat(TaskIdentity.taskScope(Map.of("name", "orders-archive")))
                .isEqualTo(MetricsScope.ofConnector("orders-archive"));
    }

    @Test
    void aConfigurationWithoutTheConnectorsNameIsRefused() {
        assertThatThrownBy(() -> TaskIdentity.connectorScope(Map.of("stores", "m")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("'name'");
    }
}
