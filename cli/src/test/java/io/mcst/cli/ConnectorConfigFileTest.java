package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void readsConnectJsonABareObjectOrPropertiesAndResolvesFileAndDirProviders() throws IOException {
        Files.writeString(dir.resolve("secrets.properties"), "s3.secret=from-a-file\n");
        Files.createDirectories(dir.resolve("mounted"));
        Files.writeString(dir.resolve("mounted/azure"), "from-a-mounted-secret");
        String config = "\"stores\":\"aws\",\"store.aws.secret.access.key\":\"${file:" + dir.resolve("secrets.properties")
                + ":s3.secret}\",\"store.az.connection.string\":\"${dir:" + dir.resolve("mounted") + ":azure}\","
                + "\"flush.size\":1000";
        Files.writeString(dir.resolve("connect.json"), "{\"name\":\"archive\",\"config\":{" + config + "}}");
        Files.writeString(dir.resolve("bare.json"), "{" + config + "}");
        Files.writeString(dir.resolve("sink.properties"), "stores=aws\nstore.aws.secret.access.key=${file:"
                + dir.resolve("secrets.properties") + ":s3.secret}\nstore.az.connection.string=${dir:" + dir.resolve("mounted")
                + ":azure}\nflush.size=1000\n");
        for (String name : new String[] {"connect.json", "bare.json", "sink.properties"}) {
            ConnectorConfigFile file = ConnectorConfigFile.read(dir.resolve(name));
            assertThat(file.props()).containsEntry("stores", "aws").containsEntry("flush.size", "1000")
                    .containsEntry("store.aws.secret.access.key", "from-a-file")
                    .containsEntry("store.az.connection.string", "from-a-mounted-secret");
            assertThat(file.redact("denied with key from-a-file, from-a-mounted-secret; stores aws"))
                    .isEqualTo("denied with key [hidden], [hidden]; stores aws");
        }
    }

    @Test
    void aLiteralSecretIsHiddenTooAndAJsonThatIsNoConfigurationIsRefused() throws IOException {
        Files.writeString(dir.resolve("literal.properties"), "stores=aws\nstore.aws.secret.access.key=literal-secret\n");
        assertThat(ConnectorConfigFile.read(dir.resolve("literal.properties")).redact("key literal-secret"))
                .isEqualTo("key [hidden]");
        Files.writeString(dir.resolve("list.json"), "[1, 2]");
        assertThatThrownBy(() -> ConnectorConfigFile.read(dir.resolve("list.json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("list.json").hasMessageContaining("\"config\"");
    }
}
