package io.mcst.stack;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.s3.S3Store;
import io.mcst.stores.s3.S3StoreConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** {@code type=s3}: a bucket on AWS S3 or on an S3-compatible server (MinIO, Ceph, R2) through an endpoint. */
public final class S3StoreType implements StoreType {
    static final String BUCKET_CONFIG = "bucket";
    static final String REGION_CONFIG = "region";
    static final String ENDPOINT_CONFIG = "endpoint";
    static final String PATH_STYLE_CONFIG = "path.style";
    static final String ACCESS_KEY_ID_CONFIG = "access.key.id";
    static final String SECRET_ACCESS_KEY_CONFIG = "secret.access.key";
    static final String ROLE_ARN_CONFIG = "role.arn";
    static final String ROLE_EXTERNAL_ID_CONFIG = "role.external.id";
    static final String ROLE_SESSION_NAME_CONFIG = "role.session.name";
    static final String ROLE_STS_ENDPOINT_CONFIG = "role.sts.endpoint";
    static final String SSE_CONFIG = "sse";
    static final String SSE_KMS_KEY_ID_CONFIG = "sse.kms.key.id";
    static final String SSE_BUCKET_KEY_ENABLED_CONFIG = "sse.bucket.key.enabled";
    static final String STORAGE_CLASS_CONFIG = "storage.class";
    static final String REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
    static final String CONNECT_TIMEOUT_MS_CONFIG = "connect.timeout.ms";

    private static final String SSE_NONE = "none";
    private static final String SSE_S3 = "SSE-S3";
    private static final String SSE_KMS = "SSE-KMS";
    /** Classes whose objects must be restored before they can be read: a store cannot live there. */
    private static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");
    /** Classes that bill each object for a minimum number of days, however soon it is removed. */
    private static final Map<String, Integer> MINIMUM_DAYS = Map.of("STANDARD_IA", 30, "ONEZONE_IA", 30, "GLACIER_IR", 90);

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
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
                        "Secret access key, with " + ACCESS_KEY_ID_CONFIG + ".")
                .define(ROLE_ARN_CONFIG, Type.STRING, null, Importance.MEDIUM,
                        "An IAM role to assume (STS AssumeRole) with the credentials above or the default chain, "
                                + "e.g. arn:aws:iam::123456789012:role/archiver; the temporary credentials are refreshed "
                                + "before they expire. Empty: use the credentials directly. (Web identity, as on EKS, "
                                + "needs no key here: the default chain assumes AWS_ROLE_ARN itself.)")
                .define(ROLE_EXTERNAL_ID_CONFIG, Type.STRING, null, Importance.LOW,
                        "The external id the role's trust policy requires, with " + ROLE_ARN_CONFIG + ".")
                .define(ROLE_SESSION_NAME_CONFIG, Type.STRING, "mcst", sessionName(), Importance.LOW,
                        "The role session name, which CloudTrail shows for this store's requests, with "
                                + ROLE_ARN_CONFIG + ".")
                .define(ROLE_STS_ENDPOINT_CONFIG, Type.STRING, null, StoreTypes.httpUrl(), Importance.LOW,
                        "The STS endpoint to assume the role at, e.g. a VPC endpoint, with " + ROLE_ARN_CONFIG
                                + ". Empty: the region's.")
                .define(SSE_CONFIG, Type.STRING, SSE_NONE, ConfigDef.CaseInsensitiveValidString.in(SSE_NONE, SSE_S3, SSE_KMS),
                        Importance.MEDIUM, "Server-side encryption of the objects this store writes: " + SSE_S3
                                + " (AES256, keys managed by S3), " + SSE_KMS + " (a KMS key: " + SSE_KMS_KEY_ID_CONFIG
                                + ", or the account's aws/s3 key), or none (no header: the bucket's default "
                                + "encryption applies, which on AWS is SSE-S3 at least).")
                .define(SSE_KMS_KEY_ID_CONFIG, Type.STRING, null, Importance.MEDIUM,
                        "The KMS key id, alias or ARN, with " + SSE_CONFIG + "=" + SSE_KMS + ". Empty: aws/s3.")
                .define(SSE_BUCKET_KEY_ENABLED_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                        "Use an S3 Bucket Key for SSE-KMS, which cuts the KMS requests (and their cost) per object, "
                                + "with " + SSE_CONFIG + "=" + SSE_KMS + ".")
                .define(STORAGE_CLASS_CONFIG, Type.STRING, null, storageClass(), Importance.MEDIUM,
                        "The storage class of the objects this store writes, e.g. STANDARD, STANDARD_IA, "
                                + "INTELLIGENT_TIERING, GLACIER_IR. Empty: the bucket's default (STANDARD). Classes "
                                + "with a minimum storage duration (STANDARD_IA and ONEZONE_IA 30 days, GLACIER_IR 90) "
                                + "bill the copies replication replaces (a partition's index, after every segment) as if "
                                + "they stayed that long, and IA and GLACIER_IR each object as at least 128 KiB; "
                                + "validation warns (README, Storage classes). GLACIER and DEEP_ARCHIVE are refused: their objects cannot be "
                                + "read without a restore.")
                .define(REQUEST_TIMEOUT_MS_CONFIG, Type.LONG, null, StoreTypes.positive(), Importance.LOW,
                        "How long one attempt of a request may take, the response included, in milliseconds. "
                                + "Empty: no limit but the socket's (30 s without data).")
                .define(CONNECT_TIMEOUT_MS_CONFIG, Type.LONG, null, StoreTypes.positive(), Importance.LOW,
                        "How long opening a connection may take, in milliseconds. Empty: the SDK's (2 s).");
        return StoreTypes.defineProxy(def);
    }

    @Override
    public void validate(String storeName, Map<String, ConfigValue> values) {
        boolean id = StoreTypes.isSet(values, ACCESS_KEY_ID_CONFIG);
        if (id != StoreTypes.isSet(values, SECRET_ACCESS_KEY_CONFIG)) {
            values.get(id ? SECRET_ACCESS_KEY_CONFIG : ACCESS_KEY_ID_CONFIG).addErrorMessage("set both "
                    + StoreTypes.key(storeName, ACCESS_KEY_ID_CONFIG) + " and " + StoreTypes.key(storeName, SECRET_ACCESS_KEY_CONFIG)
                    + ", or neither to use the default credential chain");
        }
        boolean kms = StoreTypes.isSet(values, SSE_CONFIG) && SSE_KMS.equalsIgnoreCase(values.get(SSE_CONFIG).value().toString());
        if (StoreTypes.isSet(values, SSE_KMS_KEY_ID_CONFIG) && !kms) {
            values.get(SSE_KMS_KEY_ID_CONFIG).addErrorMessage("a KMS key needs " + StoreTypes.key(storeName, SSE_CONFIG) + "="
                    + SSE_KMS + "; set it, or remove " + StoreTypes.key(storeName, SSE_KMS_KEY_ID_CONFIG));
        }
        if (Boolean.TRUE.equals(values.get(SSE_BUCKET_KEY_ENABLED_CONFIG).value()) && !kms) {
            values.get(SSE_BUCKET_KEY_ENABLED_CONFIG).addErrorMessage("a bucket key is for SSE-KMS: set "
                    + StoreTypes.key(storeName, SSE_CONFIG) + "=" + SSE_KMS + ", or "
                    + StoreTypes.key(storeName, SSE_BUCKET_KEY_ENABLED_CONFIG) + "=false");
        }
        for (String roleKey : List.of(ROLE_EXTERNAL_ID_CONFIG, ROLE_STS_ENDPOINT_CONFIG)) {
            if (StoreTypes.isSet(values, roleKey) && !StoreTypes.isSet(values, ROLE_ARN_CONFIG)) {
                values.get(roleKey).addErrorMessage("it belongs to a role: set " + StoreTypes.key(storeName, ROLE_ARN_CONFIG)
                        + ", or remove " + StoreTypes.key(storeName, roleKey));
            }
        }
        StoreTypes.validateProxy(storeName, values);
        ConfigValue storageClass = values.get(STORAGE_CLASS_CONFIG);
        if (storageClass.value() != null && storageClass.errorMessages().isEmpty()) {
            String name = storageClass.value().toString().trim();
            Integer days = MINIMUM_DAYS.get(name);
            if (days != null) {
                StoreTypes.warnMinimumDuration(storeName, STORAGE_CLASS_CONFIG, name, days);
            }
        }
    }

    private static ConfigDef.Validator storageClass() {
        return StackConfig.described("empty, or an S3 storage class other than GLACIER and DEEP_ARCHIVE", (key, value) -> {
            if (value == null) {
                return;
            }
            String name = value.toString().trim();
            if (ARCHIVE_CLASSES.contains(name)) {
                throw new ConfigException(key, value, "objects in " + name + " cannot be read without a restore; "
                        + "use GLACIER_IR (instant retrieval) or a warmer class");
            }
            if (StorageClass.fromValue(name) == StorageClass.UNKNOWN_TO_SDK_VERSION) {
                throw new ConfigException(key, value, "not an S3 storage class; use one of " + StorageClass.knownValues()
                        .stream().map(StorageClass::toString).filter(known -> !ARCHIVE_CLASSES.contains(known)).sorted().toList());
            }
        });
    }

    /** STS's rule for session names. */
    private static ConfigDef.Validator sessionName() {
        return StackConfig.described("2 to 64 of letters, digits and +=,.@_-", (key, value) -> {
            if (!value.toString().matches("[\\w+=,.@-]{2,64}")) {
                throw new ConfigException(key, value, "use 2 to 64 of letters, digits and +=,.@_-");
            }
        });
    }

    @Override
    public KeyValueStore open(String storeName, AbstractConfig config) {
        String accessKeyId = config.getString(ACCESS_KEY_ID_CONFIG);
        Password secret = config.getPassword(SECRET_ACCESS_KEY_CONFIG);
        String sse = config.getString(SSE_CONFIG);
        S3StoreConfig.EncryptionMode mode = SSE_KMS.equalsIgnoreCase(sse) ? S3StoreConfig.EncryptionMode.SSE_KMS
                : SSE_S3.equalsIgnoreCase(sse) ? S3StoreConfig.EncryptionMode.SSE_S3 : S3StoreConfig.EncryptionMode.BUCKET_DEFAULT;
        return new S3Store(new S3StoreConfig(
                storeName,
                config.getString(BUCKET_CONFIG),
                Optional.ofNullable(config.getString(REGION_CONFIG)),
                StoreTypes.uri(config.getString(ENDPOINT_CONFIG)),
                config.getBoolean(PATH_STYLE_CONFIG),
                accessKeyId == null ? Optional.empty()
                        : Optional.of(new S3StoreConfig.Credentials(accessKeyId, secret.value())),
                config.getInt(StackConfig.STORE_MAX_CONCURRENCY_SUFFIX),
                Optional.ofNullable(config.getString(ROLE_ARN_CONFIG)).map(arn -> new S3StoreConfig.AssumedRole(arn,
                        Optional.ofNullable(config.getString(ROLE_EXTERNAL_ID_CONFIG)),
                        config.getString(ROLE_SESSION_NAME_CONFIG),
                        StoreTypes.uri(config.getString(ROLE_STS_ENDPOINT_CONFIG)))),
                new S3StoreConfig.Encryption(mode, Optional.ofNullable(config.getString(SSE_KMS_KEY_ID_CONFIG)),
                        config.getBoolean(SSE_BUCKET_KEY_ENABLED_CONFIG)),
                Optional.ofNullable(config.getString(STORAGE_CLASS_CONFIG)).map(String::trim),
                StoreTypes.proxy(config),
                new S3StoreConfig.Timeouts(
                        Optional.ofNullable(config.getLong(CONNECT_TIMEOUT_MS_CONFIG)).map(Duration::ofMillis),
                        Optional.ofNullable(config.getLong(REQUEST_TIMEOUT_MS_CONFIG)).map(Duration::ofMillis))));
    }
}
