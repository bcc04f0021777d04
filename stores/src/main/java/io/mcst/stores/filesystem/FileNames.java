package io.mcst.stores.filesystem;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Maps keys to paths below a root directory and back, reversibly and without collisions.
 *
 * <p>A key {@code s1/s2/.../sn} becomes the path {@code enc(s1)/enc(s2)/.../enc(sn)=}: each segment a
 * directory, the last one a file marked by a trailing {@code =}, so the keys {@code a} and {@code a/b} can
 * coexist (file {@code a=} beside directory {@code a}). {@code enc} keeps {@code [A-Za-z0-9_-]} and
 * non-leading dots, and writes every other UTF-8 byte as {@code %HH}; the empty segment is {@code %}. So no
 * encoded name is {@code .}, {@code ..} or hidden, none contains {@code /} or {@code =}, and the staging
 * directory {@value #STAGING} can never be a key's name.
 */
final class FileNames {
    /** Where new values are written before they are renamed into place. */
    static final String STAGING = "%staging";
    /** Linux's and most filesystems' limit on one name. */
    private static final int MAX_NAME_BYTES = 255;
    private static final char LEAF = '=';
    private static final String EMPTY_SEGMENT = "%";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private FileNames() {}

    /** The file that holds {@code key}. */
    static Path pathOf(Path root, String key) {
        String[] segments = key.split("/", -1);
        Path path = root;
        for (int i = 0; i < segments.length - 1; i++) {
            path = path.resolve(checkedName(encode(segments[i]), key));
        }
        return path.resolve(checkedName(encode(segments[segments.length - 1]) + LEAF, key));
    }

    /** The directory below which every key that starts with {@code prefix} lies. */
    static Path directoryOf(Path root, String prefix) {
        String[] segments = prefix.split("/", -1);
        Path path = root;
        for (int i = 0; i < segments.length - 1; i++) {
            path = path.resolve(encode(segments[i]));
        }
        return path;
    }

    /** The key stored at {@code file}, or empty if the file is not one of ours. */
    static Optional<String> keyOf(Path root, Path file) {
        Path relative = root.relativize(file);
        int last = relative.getNameCount() - 1;
        String leaf = relative.getName(last).toString();
        if (leaf.isEmpty() || leaf.charAt(leaf.length() - 1) != LEAF) {
            return Optional.empty();
        }
        var segments = new StringJoiner("/");
        for (int i = 0; i <= last; i++) {
            String name = relative.getName(i).toString();
            Optional<String> segment = decode(i == last ? name.substring(0, name.length() - 1) : name);
            if (segment.isEmpty()) {
                return Optional.empty();
            }
            segments.add(segment.get());
        }
        return Optional.of(segments.toString());
    }

    static String encode(String segment) {
        if (segment.isEmpty()) {
            return EMPTY_SEGMENT;
        }
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        var out = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (isKept(b) || (b == '.' && i > 0)) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    static Optional<String> decode(String name) {
        if (name.equals(EMPTY_SEGMENT)) {
            return Optional.of("");
        }
        var bytes = new ByteArrayOutputStream(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                if (i + 2 >= name.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(name.charAt(i + 1), 16);
                int lo = Character.digit(name.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (isKept(c) || (c == '.' && i > 0)) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(bytes.toString(StandardCharsets.UTF_8));
    }

    private static boolean isKept(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    private static String checkedName(String name, String key) {
        if (name.length() > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(("key segment encodes to %d bytes, more than a file name may hold (%d);"
                    + " use shorter segments between '/' with this store: %s").formatted(name.length(), MAX_NAME_BYTES, key));
        }
        return name;
    }
}
