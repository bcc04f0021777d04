package io.mcst.stores;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/** The rules every key obeys, checked at each adapter's boundary so all adapters accept the same keys. */
public final class StoreKeys {
    /** S3's and GCS's limit; Azure allows more. A key longer than this would work on some clouds only. */
    public static final int MAX_KEY_BYTES = 1024;

    private StoreKeys() {}

    /**
     * Returns {@code key} if it is a valid key: non-empty, well-formed UTF-16 (no lone surrogate, so it has
     * an exact UTF-8 form), no NUL or other C0 control character (several clouds reject them), at most
     * {@link #MAX_KEY_BYTES} UTF-8 bytes.
     *
     * @throws IllegalArgumentException naming the rule the key breaks
     */
    public static String check(String key) {
        requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a key must not be empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("key contains control character U+%04X at index %d: %s"
                        .formatted((int) c, i, key.replaceAll("\\p{Cntrl}", "?")));
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("key contains a lone surrogate at index " + i);
            }
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "key is %d UTF-8 bytes, more than the %d allowed".formatted(bytes, MAX_KEY_BYTES));
        }
        return key;
    }

    /** Returns {@code prefix} if it is a valid list prefix: like a key, but it may be empty. */
    public static String checkPrefix(String prefix) {
        requireNonNull(prefix, "prefix");
        return prefix.isEmpty() ? prefix : check(prefix);
    }
}
