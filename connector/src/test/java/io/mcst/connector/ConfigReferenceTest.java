package io.mcst.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is exactly what the ConfigDefs generate, so it never drifts from the code. */
class ConfigReferenceTest {
    @Test
    void committedReferenceMatchesTheConfigDefs() throws Exception {
        Path committed = ConfigReference.projectDir().resolve("docs/configuration.md");
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("mcst.docs.update")) {
            Files.writeString(committed, generated);
        }
        assertThat(Files.exists(committed)).as("%s exists", committed).isTrue();
        assertThat(Files.readString(committed))
                .as("docs/configuration.md is stale; regenerate it: mvn -B -q verify -pl connector -am "
                        + "-Dtest=ConfigReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dmcst.docs.update=true")
                .isEqualTo(generated);
    }

    @Test
    void referenceCoversBothConnectorsTheStorageAndEveryStoreType() {
        String reference = ConfigReference.markdown();
        assertThat(reference).contains("### `flush.size`", "### `topic.rename.format`", "### `stores`",
                "### `replication.semantics`", "## Store type `filesystem`", "### `store.<name>.path`");
        ConfigReference.storeTypes().keySet().forEach(type -> assertThat(reference).contains("## Store type `" + type + "`"));
    }
}
