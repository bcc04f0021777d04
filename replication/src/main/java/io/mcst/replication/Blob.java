package io.mcst.replication;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.StoreCorruptionException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One version of a register as it sits in a base store (docs/algorithm.md, Layout): a header that repeats the
 * version's timestamp and kind, then the payload. A CRC32C over header and payload catches corruption,
 * and because the header names the timestamp, a blob found under the wrong key is caught too.
 *
 * <p>Header, big-endian: magic {@code MCSR}, format version, kind ({@code v}/{@code d}), form ({@code F} full
 * value, {@code T} thin eternal without payload, {@code E} erasure-code fragment, {@code M} commit marker
 * without payload), fragment index, data fragments, counter, client id (16 bytes), value length, payload
 * length, CRC32C.
 *
 * <p>The format version names the layout a blob belongs to: 1 for replication (forms F and T), 2 for erasure
 * mode with commit markers (forms E and M). Fragments of the first erasure layout (version 1, beside a thin
 * eternal key, before markers) are refused with a clear error rather than read: that layout's read rule
 * could stall for good, and its versions carry no marker saying they were committed.
 *
 * @param valueLength the length of the whole value (for a fragment: of the value it helps decode)
 * @param payload the value itself (form F), nothing (T), or one fragment (E); not copied, not to be mutated
 */
record Blob(Kind kind, Form form, Timestamp ts, int fragmentIndex, int dataFragments, int valueLength, byte[] payload) {
    /** What a blob's payload is. */
    enum Form {
        FULL('F'),
        THIN('T'),
        FRAGMENT('E'),
        MARKER('M');

        private final char code;

        Form(char code) {
            this.code = code;
        }

        /** The format version of the layout this form belongs to. */
        byte formatVersion() {
            return this == FRAGMENT || this == MARKER ? ERASURE_FORMAT : REPLICATION_FORMAT;
        }
    }

    static final int HEADER_BYTES = 4 + 1 + 1 + 1 + 1 + 1 + 8 + 16 + 4 + 4 + 4;
    private static final int MAGIC = 0x4D435352; // "MCSR"
    private static final byte REPLICATION_FORMAT = 1;
    private static final byte ERASURE_FORMAT = 2;

    Blob {
        requireNonNull(kind, "kind");
        requireNonNull(form, "form");
        requireNonNull(ts, "ts");
        requireNonNull(payload, "payload");
    }

    static Blob full(Kind kind, Timestamp ts, byte[] value) {
        return new Blob(kind, Form.FULL, ts, 0, 0, value.length, value);
    }

    /** The thin record that stands in the eternal key for a large value: timestamp and kind, no payload. */
    Blob thin() {
        return new Blob(kind, Form.THIN, ts, 0, 0, valueLength, new byte[0]);
    }

    /** The commit marker of this version in erasure mode: timestamp and kind, no payload. */
    Blob marker() {
        return new Blob(kind, Form.MARKER, ts, 0, 0, valueLength, new byte[0]);
    }

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        out.putInt(MAGIC)
                .put(form.formatVersion())
                .put((byte) kind.code())
                .put((byte) form.code)
                .put((byte) fragmentIndex)
                .put((byte) dataFragments)
                .putLong(ts.counter())
                .put(ts.clientIdBytes())
                .putInt(valueLength)
                .putInt(payload.length);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        crc.update(payload);
        out.putInt((int) crc.getValue()).put(payload);
        return out.array();
    }

    /**
     * Decodes {@code bytes} read from {@code where} (store and key, for the message).
     *
     * @throws StoreCorruptionException if the bytes are not a whole, intact blob
     */
    static Blob decode(byte[] bytes, String where) {
        if (bytes.length < HEADER_BYTES) {
            throw corrupt(where, "only " + bytes.length + " bytes, shorter than a header");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC) {
            throw corrupt(where, "bad magic");
        }
        byte version = in.get();
        if (version != REPLICATION_FORMAT && version != ERASURE_FORMAT) {
            throw corrupt(where, "unknown format version " + version);
        }
        char kindCode = (char) in.get();
        char formCode = (char) in.get();
        int fragmentIndex = in.get() & 0xff;
        int dataFragments = in.get() & 0xff;
        long counter = in.getLong();
        byte[] clientId = new byte[16];
        in.get(clientId);
        int valueLength = in.getInt();
        int payloadLength = in.getInt();
        int checksumAt = in.position();
        int checksum = in.getInt();
        if (payloadLength != bytes.length - HEADER_BYTES) {
            throw corrupt(where, "header says " + payloadLength + " payload bytes, blob has " + (bytes.length - HEADER_BYTES));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, checksumAt);
        crc.update(bytes, HEADER_BYTES, payloadLength);
        if ((int) crc.getValue() != checksum) {
            throw corrupt(where, "checksum mismatch");
        }
        try {
            Kind kind = Kind.ofCode(kindCode);
            Form form = Arrays.stream(Form.values()).filter(f -> f.code == formCode).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown form '" + formCode + "'"));
            if (form.formatVersion() != version) {
                throw new IllegalArgumentException(form == Form.FRAGMENT
                        ? "a fragment of the first erasure layout (format version 1, before commit markers), which this"
                                + " release does not read: read the key with the release that wrote it and rewrite it"
                        : "form " + form + " does not belong to format version " + version);
            }
            if (valueLength < 0 || (form == Form.FULL && valueLength != payloadLength)) {
                throw new IllegalArgumentException("value length " + valueLength + " does not fit form " + form);
            }
            return new Blob(kind, form, Timestamp.of(counter, clientId), fragmentIndex, dataFragments, valueLength,
                    Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length));
        } catch (IllegalArgumentException e) {
            throw corrupt(where, e.getMessage());
        }
    }

    private static StoreCorruptionException corrupt(String where, String why) {
        return new StoreCorruptionException(where + ": not a valid replication blob: " + why);
    }

    @Override
    public String toString() {
        return "Blob[" + kind + " " + form + " " + ts + " fragment " + fragmentIndex + "/" + dataFragments
                + ", " + valueLength + " value bytes, " + payload.length + " payload bytes]";
    }
}
