package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.filesystem.FilesystemStore;
import java.nio.file.Path;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** {@code type=filesystem}: one local directory (a disk, a NAS mount). */
public final class FilesystemStoreType implements StoreType {
    static final String PATH_CONFIG = "path";

    @Override
    public String type() {
        return "filesystem";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().define(PATH_CONFIG, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                new ConfigDef.NonEmptyString(), ConfigDef.Importance.HIGH,
                "Directory that holds this store's blobs; created if missing.");
    }

    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        return new FilesystemStore(storeName, Path.of(config.getString(PATH_CONFIG)));
    }
}
