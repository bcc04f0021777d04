package io.mcst.replication.layers.compression;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A compression algorithm of the compression layer. The {@link #id()} is written into every blob, so it is
 * part of the stored format: never renumber a codec.
 */
public enum CompressionCodec {
    /** Stores the value as it is; still writes the header, so the codec can change later. */
    NONE(0, "none", 0, 0, 0) {
        @Override
        byte[] compress(byte[] value, int level) {
            return value;
        }

        @Override
        byte[] decompress(byte[] body, int length) throws IOException {
            if (body.length != length) {
                throw new IOException("header says " + length + " bytes, body has " + body.length);
            }
            return body;
        }
    },
    /** RFC 1952 gzip through the JDK: no native code, slower than zstd. */
    GZIP(1, "gzip", 1, 9, 6) {
        /** Deflate cannot expand data more than about 1032:1, so a larger claimed length is corrupt. */
        private static final long MAX_RATIO = 1032;

        @Override
        byte[] compress(byte[] value, int level) {
            var out = new ByteArrayOutputStream(value.length / 2 + 64);
            try (var gzip = new LeveledGzipOutputStream(out, level)) {
                gzip.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException("gzip into memory failed", e);
            }
            return out.toByteArray();
        }

        @Override
        byte[] decompress(byte[] body, int length) throws IOException {
            if (length > body.length * MAX_RATIO + 64) {
                throw new IOException("header claims " + length + " bytes from " + body.length + " compressed ones");
            }
            byte[] value = new byte[length];
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                int read = in.readNBytes(value, 0, length);
                // read() at the end also checks gzip's own CRC32 trailer.
                if (read != length || in.read() != -1) {
                    throw new IOException("decompressed size differs from the " + length + " bytes in the header");
                }
            }
            return value;
        }
    },
    /** Zstandard (zstd-jni): fast at a good ratio; the default. */
    ZSTD(2, "zstd", 1, 19, 3) {
        @Override
        byte[] compress(byte[] value, int level) {
            // The frame checksum (XXH64) makes a damaged body fail to decompress instead of decoding to wrong bytes.
            try (var ctx = new ZstdCompressCtx()) {
                return ctx.setLevel(level).setChecksum(true).compress(value);
            }
        }

        @Override
        byte[] decompress(byte[] body, int length) throws IOException {
            // Check the frame's own size field before allocating, so a corrupt header cannot ask for 2 GiB.
            long frameSize = Zstd.getFrameContentSize(body);
            if (frameSize != length) {
                throw new IOException("zstd frame holds " + frameSize + " bytes, header says " + length);
            }
            byte[] value = new byte[length];
            long written = Zstd.decompress(value, body);
            if (written != length) {
                throw new IOException("zstd produced " + written + " bytes, header says " + length);
            }
            return value;
        }
    };

    private final int id;
    private final String configName;
    private final int minLevel;
    private final int maxLevel;
    private final int defaultLevel;

    CompressionCodec(int id, String configName, int minLevel, int maxLevel, int defaultLevel) {
        this.id = id;
        this.configName = configName;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.defaultLevel = defaultLevel;
    }

    /** The byte that identifies this codec in a stored blob. */
    int id() {
        return id;
    }

    /** The value of {@code compression.codec} that selects this codec. */
    public String configName() {
        return configName;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    abstract byte[] compress(byte[] value, int level);

    /** Decompresses {@code body} into exactly {@code length} bytes, or throws if it cannot. */
    abstract byte[] decompress(byte[] body, int length) throws IOException;

    /** The codec named {@code configName} (as in {@code compression.codec}), case-insensitively. */
    public static CompressionCodec forConfigName(String configName) {
        return Arrays.stream(values())
                .filter(codec -> codec.configName.equalsIgnoreCase(configName.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown compression codec '" + configName
                        + "'; use one of " + Arrays.stream(values()).map(CompressionCodec::configName).toList()));
    }

    static Optional<CompressionCodec> forId(int id) {
        return Arrays.stream(values()).filter(codec -> codec.id == id).findFirst();
    }

    /** GZIPOutputStream has no level parameter; its deflater is reachable from a subclass. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(ByteArrayOutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }
}
