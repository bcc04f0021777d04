package io.mcst.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.layers.compression.CompressionCodec;
import io.mcst.replication.layers.encryption.EncryptionKeyset;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackConfigTest {
    /** The scope this test opens stacks in, apart from any connector's. */
    private static final MetricsScope SCOPE = MetricsScope.ofConnector("StackConfigTest");

    private static final String KEYSET = EncryptionKeyset.generate(EncryptionKeyset.KeyType.AES256_GCM).toJson();

    @TempDir
    Path dir;

    @Test
    void defaults() {
        StackConfig config = new StackConfig(Map.of("stores", "local"));
        assertThat(config.getString(StackConfig.REPLICATION_SEMANTICS_CONFIG)).isEqualTo("atomic");
        assertThat(config.getInt(StackConfig.REPLICATION_FAULT_TOLERANCE_CONFIG)).isEqualTo(-1);
        assertThat(config.layers()).isEmpty();
        assertThat(config.compressionCodec()).isEqualTo(CompressionCodec.ZSTD);
        assertThat(config.compressionLevel()).isEqualTo(3);
        assertThat(config.getPassword(StackConfig.ENCRYPTION_KEYSET_CONFIG)).isNull();
        assertThat(new StackConfig(Map.of("stores", "local", "compression.codec", "gzip")).compressionLevel()).isEqualTo(6);
    }

    @Test
    void aCompleteConfigHasNoErrors() {
        Map<String, String> props = new HashMap<>(Map.of(
                "stores", "a,b,c",
                "layers", "compression,encryption,integrity",
                "compression.codec", "gzip",
                "compression.level", "9",
                "encryption.keyset", KEYSET,
                "replication.fault.tolerance", "1"));
        for (String name : List.of("a", "b", "c")) {
            props.put("store." + name + ".type", "filesystem");
            props.put("store." + name + ".path", dir.resolve(name).toString());
        }
        assertThat(errors(StackConfig.validate(props))).isEmpty();
        assertThat(new StackConfig(props).layers()).containsExactly(Layer.COMPRESSION, Layer.ENCRYPTION, Layer.INTEGRITY);
    }

    @Test
    void everyProblemComesBackAtOnceNamingItsKeyAndFix() {
        Map<String, String> props = new HashMap<>(Map.of(
                "stores", "a,b,c",
                "store.b.type", "floppy",
                "store.c.type", "filesystem",
                "store.c.bukcet", "typo",
                "replication.semantics", "eventual",
                "replication.fault.tolerance", "2",
                "layers", "compression,encryption,integrity",
                "compression.level", "42"));

        Map<String, List<String>> errors = errors(StackConfig.validate(props));

        assertThat(errors).containsOnlyKeys("store.a.type", "store.b.type", "store.c.path", "store.c.bukcet",
                "replication.semantics", "replication.fault.tolerance", "compression.level", "encryption.keyset");
        assertThat(errors.get("store.a.type")).singleElement().asString().contains("set the type of store 'a'", "filesystem", "memory");
        assertThat(errors.get("store.b.type")).singleElement().asString().contains("unknown store type 'floppy'", "filesystem");
        assertThat(errors.get("store.c.path")).singleElement().asString().contains("store 'c'", "missing; set store.c.path", "Directory");
        assertThat(errors.get("store.c.bukcet")).singleElement().asString().contains("no key 'bukcet'", "store.c.path");
        assertThat(errors.get("replication.semantics")).singleElement().asString().contains("eventual", "atomic");
        assertThat(errors.get("replication.fault.tolerance")).singleElement().asString().contains("3 stores tolerate at most 1 failed", "t must be in 0..1");
        assertThat(errors.get("compression.level")).singleElement().asString().contains("zstd takes levels 1..19");
        assertThat(errors.get("encryption.keyset")).singleElement().asString().contains("needs a keyset", "KeysetTool new");
    }

    @Test
    void aConnectorValidatesItsOwnKeysAndTheStorageKeysInOnePass() {
        ConfigDef connectorDef = StackConfig.define(new ConfigDef()
                .define("flush.size", ConfigDef.Type.INT, 1000, ConfigDef.Range.atLeast(1), ConfigDef.Importance.HIGH, "Records per segment."));
        Config result = new Config(StackConfig.validate(connectorDef, Map.of("flush.size", "0", "stores", "x")));
        Map<String, List<String>> errors = errors(result.configValues());
        assertThat(errors).containsOnlyKeys("flush.size", "store.x.type");
        assertThat(result.configValues()).extracting(ConfigValue::name).contains("flush.size", "stores", "layers", "store.x.type");
    }

    @Test
    void everyStoreTypeTakesMaxConcurrencyAPositiveCount() {
        StoreStack.TYPES.values().forEach(type -> assertThat(StackConfig.storeKeys(type).configKeys())
                .as(type.type()).hasEntrySatisfying("max.concurrency",
                        key -> assertThat(key.defaultValue).isEqualTo(StackConfig.DEFAULT_STORE_MAX_CONCURRENCY)));
        assertThat(errors(StackConfig.validate(Map.of("stores", "m", "store.m.type", "memory", "store.m.max.concurrency", "16"))))
                .isEmpty();
        assertThat(errors(StackConfig.validate(Map.of("stores", "m", "store.m.type", "memory", "store.m.max.concurrency", "0")))
                .get("store.m.max.concurrency")).singleElement().asString().contains("store 'm'").contains("at least 1");
        try (var stack = StoreStack.open(Map.of("stores", "m", "store.m.type", "memory", "store.m.max.concurrency", "2"), SCOPE)) {
            stack.put("k", new byte[] {1});
            assertThat(stack.get("k")).hasValueSatisfying(value -> assertThat(value).containsExactly(1));
        }
    }

    @Test
    void missingStoresSaysWhatToSet() {
        assertThat(errors(StackConfig.validate(Map.of())).get("stores")).singleElement().asString()
                .startsWith("missing; set stores: Names of the base stores");
    }

    @Test
    void layersAreCheckedByName() {
        assertThat(errors(StackConfig.validate(Map.of("stores", "m", "store.m.type", "memory", "layers", "compression,sparkle")))
                .get("layers")).singleElement().asString().contains("unknown layer 'sparkle'", "compression, encryption, integrity");
        assertThat(errors(StackConfig.validate(Map.of("stores", "m", "store.m.type", "memory", "layers", "integrity,compression")))
                .get("layers")).singleElement().asString().contains("list it last");
        assertThat(errors(StackConfig.validate(Map.of("stores", "m", "store.m.type", "memory", "layers", "compression,compression")))
                .get("layers")).singleElement().asString().contains("name each layer once");
    }

    @Test
    void aKeysetWithoutTheEncryptionLayerIsAnError() {
        assertThat(errors(StackConfig.validate(Map.of("stores", "m", "store.m.type", "memory", "encryption.keyset", KEYSET)))
                .get("encryption.keyset")).singleElement().asString().contains("stored unencrypted");
    }

    @Test
    void aBadKeysetIsAnErrorThatDoesNotQuoteIt() {
        Map<String, List<String>> errors = errors(StackConfig.validate(Map.of(
                "stores", "m", "store.m.type", "memory", "layers", "encryption", "encryption.keyset", "{\"secret-ish\": 1}")));
        assertThat(errors.get("encryption.keyset")).singleElement().asString()
                .contains("not a cleartext Tink JSON keyset").doesNotContain("secret-ish");
    }

    @Test
    void openReportsEveryProblemInOneException() {
        assertThatThrownBy(() -> StoreStack.open(Map.of("stores", "a,b", "store.b.type", "floppy", "layers", "zip"), SCOPE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("3 problem(s)")
                .hasMessageContaining("store.a.type: set the type")
                .hasMessageContaining("store.b.type: unknown store type 'floppy'")
                .hasMessageContaining("layers: Invalid value [zip]");
    }

    @Test
    void theDocumentationCoversTopLevelKeysAndEachStoreType() {
        String rst = StackConfig.documentationRst();
        assertThat(rst).contains("``stores``", "``layers``", "``compression.codec``", "``encryption.keyset``",
                "Store type ``filesystem``", "``store.<name>.path``", "Store type ``memory``", "``store.<name>.max.concurrency``",
                "Valid Values: distinct names of letters, digits");
        assertThat(rst).doesNotContain("$$Lambda");
    }

    private static Map<String, List<String>> errors(List<ConfigValue> values) {
        return values.stream().filter(value -> !value.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }
}
