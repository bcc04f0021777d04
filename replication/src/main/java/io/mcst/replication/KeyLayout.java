package io.mcst.replication;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * How one logical key maps to keys on each base store (docs/algorithm.md, Layout): {@code esc(K)/e} for the eternal
 * key, {@code esc(K)/t/<hex16 counter>-<clientId>.<kind>} for temporary keys and, in erasure mode, that plus
 * {@code .m} for commit markers. {@code esc} keeps
 * {@code [A-Za-z0-9._-]} and writes every other UTF-8 byte as {@code %HH}, so {@code /} never occurs inside
 * {@code esc(K)} and escaping preserves prefixes: K starts with P exactly when esc(K) starts with esc(P).
 */
final class KeyLayout {
    private static final String TEMPORARY = "/t/";
    private static final String ETERNAL = "/e";
    private static final String MARKER = ".m";
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    private KeyLayout() {}

    static String escape(String key) {
        StringBuilder out = new StringBuilder(key.length() + 8);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                out.append(c);
            } else {
                out.append('%').append(UPPER_HEX.toHexDigits(b));
            }
        }
        return out.toString();
    }

    /** The inverse of {@link #escape}, or empty if {@code escaped} is not something escape produces. */
    static Optional<String> unescape(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%' && i + 3 <= escaped.length()
                    && HexFormat.isHexDigit(escaped.charAt(i + 1)) && HexFormat.isHexDigit(escaped.charAt(i + 2))) {
                bytes.write(HexFormat.fromHexDigits(escaped, i + 1, i + 3));
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        String key = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        // Only the canonical form counts (uppercase hex, valid UTF-8, nothing escaped that need not be).
        return escape(key).equals(escaped) ? Optional.of(key) : Optional.empty();
    }

    static String eternalKey(String escapedKey) {
        return escapedKey + ETERNAL;
    }

    /** Whether {@code storeKey} is the eternal key of some register. */
    static boolean isEternalKey(String storeKey) {
        return storeKey.endsWith(ETERNAL) && unescape(storeKey.substring(0, storeKey.length() - ETERNAL.length())).isPresent();
    }

    /** The prefix under which every version key (temporary key or marker) of one register is listed; "a" never lists "ab". */
    static String versionPrefix(String escapedKey) {
        return escapedKey + TEMPORARY;
    }

    /** The prefix under which every key of one register is listed, its eternal key too; "a" never lists "ab". */
    static String registerPrefix(String escapedKey) {
        return escapedKey + "/";
    }

    static String temporaryKey(String escapedKey, Timestamp ts, Kind kind) {
        return escapedKey + TEMPORARY + "%016x".formatted(ts.counter()) + "-" + ts.clientId() + "." + kind.code();
    }

    /** The commit marker of a version in erasure mode: its temporary key plus {@code .m}, header only. */
    static String markerKey(String escapedKey, Timestamp ts, Kind kind) {
        return temporaryKey(escapedKey, ts, kind) + MARKER;
    }

    /**
     * A version key parsed back: a temporary key, or (erasure mode) a commit marker.
     *
     * @param key the logical key
     */
    record Listed(String key, Timestamp ts, Kind kind, boolean marker) {
        /** The store key this was parsed from. */
        String storeKey() {
            String escaped = escape(key);
            return marker ? markerKey(escaped, ts, kind) : temporaryKey(escaped, ts, kind);
        }
    }

    /**
     * Parses a store key written by {@link #temporaryKey} or {@link #markerKey}; empty for eternal keys and
     * anything else. The part after the last {@code /t/} has a fixed form and esc(K) holds no '/', so a marker
     * of one key is never a temporary key of another.
     */
    static Optional<Listed> parse(String storeKey) {
        int slash = storeKey.lastIndexOf(TEMPORARY);
        String name = slash < 0 ? "" : storeKey.substring(slash + TEMPORARY.length());
        boolean marker = name.endsWith(MARKER);
        if (marker) {
            name = name.substring(0, name.length() - MARKER.length());
        }
        // hex16 + '-' + 32 hex + '.' + kind
        if (name.length() != 16 + 1 + 32 + 2 || name.charAt(16) != '-' || name.charAt(49) != '.') {
            return Optional.empty();
        }
        try {
            long counter = Long.parseUnsignedLong(name.substring(0, 16), 16);
            if (!name.substring(0, 16).equals("%016x".formatted(counter))) {
                return Optional.empty();
            }
            Timestamp ts = new Timestamp(counter, name.substring(17, 49));
            Kind kind = Kind.ofCode(name.charAt(50));
            return unescape(storeKey.substring(0, slash)).map(key -> new Listed(key, ts, kind, marker));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }
}
