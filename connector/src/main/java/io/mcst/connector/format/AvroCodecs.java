package io.mcst.connector.format;

import java.util.List;
import org.apache.avro.file.CodecFactory;

/** The Avro container codecs {@code format.codec} names. zstd and snappy need their native libraries' jars. */
public final class AvroCodecs {
    public static final String NULL = "null";
    public static final String DEFLATE = "deflate";
    public static final String ZSTD = "zstd";
    public static final String SNAPPY = "snappy";
    public static final List<String> NAMES = List.of(NULL, DEFLATE, ZSTD, SNAPPY);

    private AvroCodecs() {}

    /**
     * The codec called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, or a codec whose library is not on the classpath
     */
    public static CodecFactory codec(String name) {
        return switch (name) {
            case NULL -> CodecFactory.nullCodec();
            case DEFLATE -> CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
            case ZSTD -> {
                requireClass("com.github.luben.zstd.Zstd", "zstd-jni");
                yield CodecFactory.zstandardCodec(CodecFactory.DEFAULT_ZSTANDARD_LEVEL);
            }
            case SNAPPY -> {
                requireClass("org.xerial.snappy.Snappy", "snappy-java");
                yield CodecFactory.snappyCodec();
            }
            default -> throw new IllegalArgumentException("unknown codec '" + name + "'; use one of " + NAMES);
        };
    }

    private static void requireClass(String className, String jar) {
        try {
            Class.forName(className, false, AvroCodecs.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("codec needs " + jar + " on the classpath; add it to the plugin "
                    + "directory or choose deflate", e);
        }
    }
}
