package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.s3.S3Store;
import io.mcst.stores.s3.S3StoreConfig;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/** {@code type=s3}: a bucket on AWS S3 or on an S3-compatible server (MinIO, Ceph, R2) through an endpoint. */
public final class S3StoreType implements StoreType {
    static final String BUCKET_CONFIG = "bucket";
    static final String REGION_CONFIG = "region";
    static final String ENDPOINT_CONFIG = "endpoint";
    static final String PATH_STYLE_CONFIG = "path.style";
    static final String ACCESS_KEY_ID_CONFIG = "access.key.id";
    static final String SECRET_ACCESS_KEY_CONFIG = "secret.access.key";

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef()
                .define(BUCKET_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "The bucket that holds this store's objects. It must exist; the store never creates it.")
                .define(REGION_CONFIG, Type.STRING, null, Importance.MEDIUM,
                        "The bucket's region, e.g. eu-west-1. Empty: the AWS SDK's default region chain "
                                + "(AWS_REGION, ~/.aws/config), or us-east-1 when an endpoint is set.")
                .define(ENDPOINT_CONFIG, Type.STRING, null, StoreTypes.httpUrl(), Importance.MEDIUM,
                        "URL of an S3-compatible server, e.g. http://minio:9000. Empty: AWS.")
                .define(PATH_STYLE_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                        "Address the bucket in the URL path (http://host/bucket/key) instead of the host name; "
                                + "most S3-compatible servers need true.")
                .define(ACCESS_KEY_ID_CONFIG, Type.STRING, null, Importance.HIGH,
                        "Access key id, with " + SECRET_ACCESS_KEY_CONFIG + ". Empty (both): the AWS SDK's default "
                                + "credential chain (environment, profile, container or instance role).")
                .define(SECRET_ACCESS_KEY_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "Secret access key, with " + ACCESS_KEY_ID_CONFIG + ".");
    }

    @Override
    public void validate(String storeName, Map<String, ConfigValue> values) {
        boolean id = StoreTypes.isSet(values, ACCESS_KEY_ID_CONFIG);
        if (id != StoreTypes.isSet(values, SECRET_ACCESS_KEY_CONFIG)) {
            values.get(id ? SECRET_ACCESS_KEY_CONFIG : ACCESS_KEY_ID_CONFIG).addErrorMessage("set both "
                    + StoreTypes.key(storeName, ACCESS_KEY_ID_CONFIG) + " and " + StoreTypes.key(storeName, SECRET_ACCESS_KEY_CONFIG)
                    + ", or neither to use the default credential chain");
        }
    }

    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        String accessKeyId = config.getString(ACCESS_KEY_ID_CONFIG);
        Password secret = config.getPassword(SECRET_ACCESS_KEY_CONFIG);
        return new S3Store(new S3StoreConfig(
                storeName,
                config.getString(BUCKET_CONFIG),
                Optional.ofNullable(config.getString(REGION_CONFIG)),
                StoreTypes.uri(config.getString(ENDPOINT_CONFIG)),
                config.getBoolean(PATH_STYLE_CONFIG),
                accessKeyId == null ? Optional.empty()
                        : Optional.of(new S3StoreConfig.Credentials(accessKeyId, secret.value()))));
    }
}
