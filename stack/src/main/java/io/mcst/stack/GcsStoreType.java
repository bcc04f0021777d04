package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.gcs.GcsStore;
import io.mcst.stores.gcs.GcsStoreConfig;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/** {@code type=gcs}: a Google Cloud Storage bucket. */
public final class GcsStoreType implements StoreType {
    static final String BUCKET_CONFIG = "bucket";
    static final String PROJECT_CONFIG = "project";
    static final String CREDENTIALS_JSON_CONFIG = "credentials.json";
    static final String HOST_CONFIG = "host";

    @Override
    public String type() {
        return "gcs";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef()
                .define(BUCKET_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "The bucket that holds this store's objects. It must exist; the store never creates it.")
                .define(PROJECT_CONFIG, Type.STRING, null, Importance.MEDIUM,
                        "The Google Cloud project. Empty: the one the credentials or environment name.")
                .define(CREDENTIALS_JSON_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "The contents (not the path) of a service account key JSON file. Empty: Application "
                                + "Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, or the VM's service "
                                + "account); with " + HOST_CONFIG + " set, no credentials at all.")
                .define(HOST_CONFIG, Type.STRING, null, StoreTypes.httpUrl(), Importance.LOW,
                        "Base URL of a GCS-compatible JSON API, e.g. an emulator at http://127.0.0.1:4443. "
                                + "Empty: Google's.");
    }

    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        Password credentials = config.getPassword(CREDENTIALS_JSON_CONFIG);
        return new GcsStore(new GcsStoreConfig(
                storeName,
                config.getString(BUCKET_CONFIG),
                Optional.ofNullable(config.getString(PROJECT_CONFIG)),
                Optional.ofNullable(credentials).map(Password::value),
                Optional.ofNullable(config.getString(HOST_CONFIG)).map(String::trim),
                config.getInt(StackConfig.STORE_MAX_CONCURRENCY_SUFFIX)));
    }
}
