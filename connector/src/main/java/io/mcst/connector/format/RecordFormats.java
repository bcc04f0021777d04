package io.mcst.connector.format;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** The formats the archive knows, by name ({@code format=...}) and by segment extension. */
public final class RecordFormats {
    public static final String ENVELOPE = "envelope";
    public static final String AVRO = "avro";
    public static final String JSON = "json";
    public static final String BYTES = "bytes";
    public static final List<String> NAMES = List.of(ENVELOPE, AVRO, JSON, BYTES);

    private RecordFormats() {}

    /**
     * The format called {@code name}, writing with {@code codec} (an {@link AvroCodecs} name; formats
     * that are not Avro containers accept only {@code null}).
     *
     * @throws IllegalArgumentException naming the unknown format, or a codec the format cannot use
     */
    public static RecordFormat of(String name, String codec) {
        requireNonNull(name, "name");
        requireNonNull(codec, "codec");
        return switch (name) {
            case ENVELOPE -> new EnvelopeFormat(AvroCodecs.codec(codec));
            case AVRO -> new AvroFormat(AvroCodecs.codec(codec));
            case JSON -> { requireNoCodec(name, codec); yield new JsonFormat(); }
            case BYTES -> { requireNoCodec(name, codec); yield new BytesFormat(); }
            default -> throw new IllegalArgumentException("unknown format '" + name + "'; use one of " + NAMES);
        };
    }

    /** The format that writes segments with {@code extension}, for reading them (the codec is in the blob). */
    public static Optional<RecordFormat> forExtension(String extension) {
        return NAMES.stream().map(name -> of(name, AvroCodecs.NULL))
                .filter(format -> format.extension().equals(extension)).findFirst();
    }

    private static void requireNoCodec(String name, String codec) {
        if (!codec.equals(AvroCodecs.NULL)) {
            throw new IllegalArgumentException("format '" + name + "' has no container codec; use format.codec="
                    + AvroCodecs.NULL + " (or compress with the storage layer compression)");
        }
    }
}
