package io.mcst.stack;

import io.mcst.replication.layers.compression.CompressionCodec;
import io.mcst.replication.layers.encryption.EncryptionKeyset;
import io.mcst.replication.layers.encryption.KeysetTool;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.layers.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The storage vocabulary shared by the connectors, the CLI and the demo: which stores, how they are
 * replicated, which layers sit on top. Per-store keys ({@code store.<name>.*}) are those every store takes
 * ({@link #storeKeys}) and those of its {@link StoreType}; {@link #validate} checks them too.
 */
public final class StackConfig extends AbstractConfig {
    public static final String STORES_CONFIG = "stores";
    public static final String STORE_PREFIX = "store.";
    public static final String STORE_TYPE_SUFFIX = "type";
    public static final String STORE_MAX_CONCURRENCY_SUFFIX = "max.concurrency";
    public static final int DEFAULT_STORE_MAX_CONCURRENCY = ReplicationOptions.DEFAULT_MAX_CONCURRENCY;

    public static final String REPLICATION_SEMANTICS_CONFIG = "replication.semantics";
    public static final String DEFAULT_REPLICATION_SEMANTICS = "atomic";
    public static final String REPLICATION_FAULT_TOLERANCE_CONFIG = "replication.fault.tolerance";
    /** -1 stands for the largest tolerance n stores allow, floor((n-1)/2). */
    public static final int DEFAULT_REPLICATION_FAULT_TOLERANCE = -1;

    public static final String REPLICATION_INLINE_MAX_BYTES_CONFIG = "replication.inline.max.bytes";
    public static final int DEFAULT_REPLICATION_INLINE_MAX_BYTES = 64 * 1024;

    public static final String REPLICATION_CODING_CONFIG = "replication.coding";
    public static final String DEFAULT_REPLICATION_CODING = "replicate";
    public static final String ERASURE_DATA_FRAGMENTS_CONFIG = "erasure.data.fragments";
    /** -1 stands for the most the stores allow, n − 2t. */
    public static final int DEFAULT_ERASURE_DATA_FRAGMENTS = -1;

    public static final String RETRY_MAX_ATTEMPTS_CONFIG = "retry.max.attempts";
    public static final int DEFAULT_RETRY_MAX_ATTEMPTS = RetryPolicy.DEFAULT.maxAttempts();
    public static final String RETRY_BACKOFF_INITIAL_MS_CONFIG = "retry.backoff.initial.ms";
    public static final long DEFAULT_RETRY_BACKOFF_INITIAL_MS = RetryPolicy.DEFAULT.initialBackoff().toMillis();
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    public static final long DEFAULT_RETRY_BACKOFF_MAX_MS = RetryPolicy.DEFAULT.maxBackoff().toMillis();

    public static final String LAYERS_CONFIG = "layers";
    public static final String COMPRESSION_CODEC_CONFIG = "compression.codec";
    public static final String DEFAULT_COMPRESSION_CODEC = CompressionCodec.ZSTD.configName();
    public static final String COMPRESSION_LEVEL_CONFIG = "compression.level";
    public static final String ENCRYPTION_KEYSET_CONFIG = "encryption.keyset";

    private static final String GROUP = "Storage";
    private static final String LAYERS_GROUP = "Storage layers";

    public static final ConfigDef CONFIG_DEF = define(new ConfigDef());

    public StackConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    /** Adds the storage vocabulary to {@code def}, so a connector's config carries it. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        def
                .define(STORES_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, nonEmptyNames(), Importance.HIGH,
                        "Names of the base stores (clouds), in order, e.g. aws,azure,gcs. Each needs "
                                + "store.<name>.type and that type's keys below store.<name>.",
                        GROUP, ++order, ConfigDef.Width.LONG, "Stores")
                .define(REPLICATION_SEMANTICS_CONFIG, Type.STRING, DEFAULT_REPLICATION_SEMANTICS,
                        ConfigDef.ValidString.in("atomic", "regular"), Importance.MEDIUM,
                        "atomic: reads never go back in time, even across clients (a read writes back what it "
                                + "returns). regular: cheaper reads that never write; a read concurrent with a "
                                + "write may return the old or the new value.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Replication semantics")
                .define(REPLICATION_FAULT_TOLERANCE_CONFIG, Type.INT, DEFAULT_REPLICATION_FAULT_TOLERANCE,
                        ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                        "t: how many stores may fail while every operation still completes; operations wait for "
                                + "n - t answers. Must be below n/2. -1 means floor((n-1)/2).",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Fault tolerance")
                .define(REPLICATION_INLINE_MAX_BYTES_CONFIG, Type.INT, DEFAULT_REPLICATION_INLINE_MAX_BYTES,
                        ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Values up to this size are stored twice per store (a temporary and an eternal copy), so "
                                + "most reads take one round; larger values once, with a small timestamp record "
                                + "as the eternal copy, halving upload bandwidth and storage for segments.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Inline value limit")
                .define(REPLICATION_CODING_CONFIG, Type.STRING, DEFAULT_REPLICATION_CODING,
                        ConfigDef.ValidString.in("replicate", "erasure"), Importance.MEDIUM,
                        "replicate: every store holds each whole value (n times the data). erasure: store i holds "
                                + "fragment i of a Reed-Solomon code, any " + ERASURE_DATA_FRAGMENTS_CONFIG
                                + " of which rebuild the value, so the stores hold n/k times the data.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Coding")
                .define(ERASURE_DATA_FRAGMENTS_CONFIG, Type.INT, DEFAULT_ERASURE_DATA_FRAGMENTS,
                        ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                        "k, the fragments that rebuild a value when " + REPLICATION_CODING_CONFIG + "=erasure: "
                                + "1..n-2t, so that a write's and a read's quorums share k stores. -1 means n-2t.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Erasure data fragments")
                .define(RETRY_MAX_ATTEMPTS_CONFIG, Type.INT, DEFAULT_RETRY_MAX_ATTEMPTS, ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Calls each base store gets per operation when it answers with a transient failure "
                                + "(throttling, 5xx, timeout, refused connection); 1 means no retries. Other "
                                + "failures (credentials, missing bucket) are never retried.",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Retry attempts")
                .define(RETRY_BACKOFF_INITIAL_MS_CONFIG, Type.LONG, DEFAULT_RETRY_BACKOFF_INITIAL_MS,
                        ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Longest wait before the first retry, in ms; the limit doubles with each retry up to "
                                + RETRY_BACKOFF_MAX_MS_CONFIG + ", and each wait is random below it (full jitter).",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Retry initial backoff")
                .define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, DEFAULT_RETRY_BACKOFF_MAX_MS,
                        ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Cap on the wait between retries, in ms; at least " + RETRY_BACKOFF_INITIAL_MS_CONFIG + ".",
                        GROUP, ++order, ConfigDef.Width.SHORT, "Retry max backoff");
        return defineLayers(def);
    }

    private static ConfigDef defineLayers(ConfigDef def) {
        int order = 0;
        return def
                .define(LAYERS_CONFIG, Type.LIST, List.of(), validLayers(), Importance.MEDIUM,
                        "Layers in the order they apply on write, from " + Layer.configNames() + ". compression "
                                + "and encryption wrap the replicated store (list compression first: ciphertext "
                                + "does not compress); integrity wraps each base store below replication, so it "
                                + "must come last. Empty: none.",
                        LAYERS_GROUP, ++order, ConfigDef.Width.LONG, "Layers")
                .define(COMPRESSION_CODEC_CONFIG, Type.STRING, DEFAULT_COMPRESSION_CODEC,
                        ConfigDef.ValidString.in(Arrays.stream(CompressionCodec.values())
                                .map(CompressionCodec::configName).toArray(String[]::new)),
                        Importance.LOW,
                        "Codec of the compression layer for new blobs: zstd (fast, good ratio), gzip (no native "
                                + "code) or none. Blobs record their codec, so changing this never makes old "
                                + "blobs unreadable.",
                        LAYERS_GROUP, ++order, ConfigDef.Width.SHORT, "Compression codec")
                .define(COMPRESSION_LEVEL_CONFIG, Type.INT, null, Importance.LOW,
                        "Compression level: zstd " + levels(CompressionCodec.ZSTD) + ", gzip "
                                + levels(CompressionCodec.GZIP) + ". Empty: the codec's default.",
                        LAYERS_GROUP, ++order, ConfigDef.Width.SHORT, "Compression level")
                .define(ENCRYPTION_KEYSET_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "The encryption layer's keys: a cleartext Tink JSON keyset of AES-256-GCM or "
                                + "XChaCha20-Poly1305 keys. The primary key encrypts, every key decrypts, so to "
                                + "rotate add a new primary and keep the old keys. Make one with: java -cp "
                                + "'<plugin dir>/lib/*' " + KeysetTool.class.getName() + " new aes256-gcm",
                        LAYERS_GROUP, ++order, ConfigDef.Width.LONG, "Encryption keyset");
    }

    public List<String> storeNames() {
        return getList(STORES_CONFIG);
    }

    /**
     * The keys of one store of {@code type}, relative to {@code store.<name>.} (besides {@code type}): those every
     * store takes, defined here once, then the type's own.
     */
    public static ConfigDef storeKeys(StoreType type) {
        return new ConfigDef(type.configDef())
                .define(STORE_MAX_CONCURRENCY_SUFFIX, Type.INT, DEFAULT_STORE_MAX_CONCURRENCY, ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM, "Calls in flight at this store at once, and the size of its SDK's HTTP "
                                + "connection pool. A call mostly waits for the network, so throughput to a cloud grows "
                                + "with it; more callers than this queue. Lower it for a store that throttles.");
    }

    /** The keys of store {@code name}, without their {@code store.<name>.} prefix. */
    public Map<String, Object> storeProperties(String name) {
        return originalsWithPrefix(STORE_PREFIX + name + ".");
    }

    /** k for erasure coding over {@code n} stores, 0 when replicating whole values; valid once validated. */
    public int dataFragments(int n) {
        if (!getString(REPLICATION_CODING_CONFIG).equals("erasure")) {
            return 0;
        }
        int k = getInt(ERASURE_DATA_FRAGMENTS_CONFIG);
        return k == DEFAULT_ERASURE_DATA_FRAGMENTS ? n - 2 * faultTolerance(n) : k;
    }

    /** t for {@code n} stores: the configured one, or floor((n-1)/2) for -1. */
    int faultTolerance(int n) {
        int t = getInt(REPLICATION_FAULT_TOLERANCE_CONFIG);
        return t == DEFAULT_REPLICATION_FAULT_TOLERANCE ? (n - 1) / 2 : t;
    }

    /** How each base store retries transient failures; only called when {@link #validate} found it valid. */
    public RetryPolicy retryPolicy() {
        return new RetryPolicy(getInt(RETRY_MAX_ATTEMPTS_CONFIG), Duration.ofMillis(getLong(RETRY_BACKOFF_INITIAL_MS_CONFIG)),
                Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS_CONFIG)));
    }

    /** The layers named by {@code layers}, in order. */
    public List<Layer> layers() {
        return getList(LAYERS_CONFIG).stream().map(name -> Layer.forConfigName(name).orElseThrow()).toList();
    }

    /** The keyset of the encryption layer; only called when {@link #validate} found it valid. */
    public EncryptionKeyset encryptionKeyset() {
        return EncryptionKeyset.parse(getPassword(ENCRYPTION_KEYSET_CONFIG).value());
    }

    public CompressionCodec compressionCodec() {
        return CompressionCodec.forConfigName(getString(COMPRESSION_CODEC_CONFIG));
    }

    public int compressionLevel() {
        Integer level = getInt(COMPRESSION_LEVEL_CONFIG);
        return level == null ? compressionCodec().defaultLevel() : level;
    }

    /** Validates the storage vocabulary alone; see {@link #validate(ConfigDef, Map)}. */
    public static List<ConfigValue> validate(Map<String, String> props) {
        return validate(CONFIG_DEF, props);
    }

    /**
     * Every problem of {@code props} at once, as Connect's {@code Connector.validate()} reports them: each key
     * of {@code def} (which must include this vocabulary, see {@link #define}), each {@code store.<name>.*}
     * key of each named store's type, and the rules that span keys. Each error names its key and the fix.
     */
    public static List<ConfigValue> validate(ConfigDef def, Map<String, String> props) {
        return List.copyOf(StackValidation.validateAll(def, props).values());
    }

    /** Parses {@code props} after {@link #validate} found no error; otherwise throws one exception naming all. */
    static StackConfig parse(Map<?, ?> props) {
        @SuppressWarnings("unchecked") // ConfigDef reads the values as objects; a connector may pass parsed ones
        Map<String, String> values = (Map<String, String>) props;
        List<String> errors = StackValidation.validateAll(CONFIG_DEF, values).values().stream()
                .flatMap(value -> value.errorMessages().stream().map(message -> value.name() + ": " + message))
                .toList();
        if (!errors.isEmpty()) {
            throw new ConfigException("invalid storage configuration, " + errors.size() + " problem(s): "
                    + String.join("; ", errors));
        }
        return new StackConfig(props);
    }

    static String levels(CompressionCodec codec) {
        return codec.minLevel() == codec.maxLevel()
                ? "none"
                : codec.minLevel() + ".." + codec.maxLevel() + " (default " + codec.defaultLevel() + ")";
    }

    /**
     * The whole vocabulary as reStructuredText: the top-level keys, then one section per store type with its
     * keys as they appear below {@code store.<name>.}. For a generated configuration reference.
     */
    public static String documentationRst() {
        StringBuilder rst = new StringBuilder(CONFIG_DEF.toEnrichedRst());
        new TreeMap<>(StoreStack.TYPES).forEach((typeName, type) -> {
            String title = "Store type ``" + typeName + "``";
            rst.append('\n').append(title).append('\n').append("^".repeat(title.length())).append("\n\n")
                    .append("Selected by ``store.<name>.type=").append(typeName).append("``.");
            ConfigDef prefixed = new ConfigDef();
            prefixed.embed(STORE_PREFIX + "<name>.", "Store type " + typeName, 0, storeKeys(type));
            rst.append("\n\n").append(prefixed.toRst());
        });
        return rst.toString();
    }

    private static ConfigDef.Validator validLayers() {
        return described("names from " + Layer.configNames() + ", each once, integrity last", (key, value) -> {
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) value;
            List<String> problems = new ArrayList<>();
            names.stream().filter(name -> Layer.forConfigName(name).isEmpty())
                    .forEach(name -> problems.add("unknown layer '" + name + "'; use names from " + Layer.configNames()));
            if (names.stream().distinct().count() != names.size()) {
                problems.add("name each layer once");
            }
            int integrity = names.indexOf(Layer.INTEGRITY.configName());
            if (integrity >= 0 && integrity != names.size() - 1) {
                problems.add("integrity wraps each store below replication, after every other layer; list it last, "
                        + "e.g. layers=compression,encryption,integrity");
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(key, value, String.join("; ", problems));
            }
        });
    }

    private static ConfigDef.Validator nonEmptyNames() {
        return described("distinct names of letters, digits, '_' and '-'", (key, value) -> {
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) value;
            if (names == null || names.isEmpty()) {
                throw new ConfigException(key, value, "name at least one store, e.g. stores=local");
            }
            if (names.stream().distinct().count() != names.size()) {
                throw new ConfigException(key, value, "store names must be distinct");
            }
            for (String name : names) {
                if (!name.matches("[A-Za-z0-9_-]+")) {
                    throw new ConfigException(key, value, "store name '" + name + "' may use only letters, digits, '_' and '-'");
                }
            }
        });
    }

    /** A validator whose {@code toString()}, which the generated documentation shows, says what it accepts. */
    static ConfigDef.Validator described(String description, ConfigDef.Validator check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                check.ensureValid(name, value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }
}
