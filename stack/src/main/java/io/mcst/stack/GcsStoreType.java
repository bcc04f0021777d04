package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.gcs.GcsStore;
import io.mcst.stores.gcs.GcsStoreConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/** {@code type=gcs}: a Google Cloud Storage bucket. */
public final class GcsStoreType implements StoreType {
    static final String BUCKET_CONFIG = "bucket";
    static final String PROJECT_CONFIG = "project";
    static final String CREDENTIALS_JSON_CONFIG = "credentials.json";
    static final String HOST_CONFIG = "host";
    static final String STORAGE_CLASS_CONFIG = "storage.class";
    static final String KMS_KEY_NAME_CONFIG = "kms.key.name";

    /** Classes that bill each object for a minimum number of days, however soon it is deleted. */
    private static final Map<String, Integer> MINIMUM_DAYS = Map.of("NEARLINE", 30, "COLDLINE", 90, "ARCHIVE", 365);

    @Override
    public String type() {
        return "gcs";
    }

    @Override
    public ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
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
                                + "Empty: Google's.")
                .define(STORAGE_CLASS_CONFIG, Type.STRING, null,
                        StoreTypes.emptyOr(ConfigDef.CaseInsensitiveValidString.in("STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE")),
                        Importance.MEDIUM, "The storage class of the objects this store writes. Empty: the bucket's "
                                + "default. NEARLINE bills each object for at least 30 days, COLDLINE 90 and ARCHIVE "
                                + "365, also the copies replication replaces (a partition's index, after every segment); "
                                + "validation warns (README, Storage classes).")
                .define(KMS_KEY_NAME_CONFIG, Type.STRING, null, Importance.MEDIUM,
                        "The Cloud KMS key (customer-managed encryption key) of the objects this store writes, "
                                + "projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>; the bucket's service agent "
                                + "needs Encrypter/Decrypter on it. Empty: the bucket's default key.");
        return StoreTypes.defineProxy(def);
    }

    @Override
    public void validate(String storeName, Map<String, ConfigValue> values) {
        StoreTypes.validateProxy(storeName, values);
        ConfigValue storageClass = values.get(STORAGE_CLASS_CONFIG);
        if (storageClass.value() != null && storageClass.errorMessages().isEmpty()) {
            Integer days = MINIMUM_DAYS.get(storageClass.value().toString().trim().toUpperCase(Locale.ROOT));
            if (days != null) {
                StoreTypes.warnMinimumDuration(storeName, STORAGE_CLASS_CONFIG, storageClass.value(), days);
            }
        }
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
                Optional.ofNullable(config.getString(STORAGE_CLASS_CONFIG)).map(name -> name.trim().toUpperCase(Locale.ROOT)),
                Optional.ofNullable(config.getString(KMS_KEY_NAME_CONFIG)).map(String::trim),
                StoreTypes.proxy(config),
                config.getInt(StackConfig.STORE_MAX_CONCURRENCY_SUFFIX)));
    }
}
