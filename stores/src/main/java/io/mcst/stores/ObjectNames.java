package io.mcst.stores;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Maps keys to cloud object names and back, reversibly, for the adapters whose clouds treat names as URL
 * paths. A key's name is the key itself except for the characters URL handling normalizes or rejects:
 *
 * <ul>
 *   <li>{@code %} becomes {@code %25} and {@code \} becomes {@code %5C} (some services read it as {@code /});
 *   <li>a {@code .} that ends a segment (before {@code /} or at the end) becomes {@code %2E}, so no name
 *       has a {@code .} or {@code ..} segment and no segment ends in a dot (Azure forbids that);
 *   <li>a {@code /} that starts the key, ends it, or precedes another {@code /} becomes {@code %2F}, so no
 *       name has an empty segment.
 * </ul>
 *
 * Typical keys ({@code topic/0/00000000000000000042.avro}) map to themselves. Because a character's form
 * depends on the one after it, a list prefix that ends in {@code .} or {@code /} has two possible forms:
 * {@link #listPrefixes} gives both, and the union of their listings is exactly the keys with that prefix.
 */
public final class ObjectNames {
    private ObjectNames() {}

    /** The object name of {@code key} (a valid key). */
    public static String encode(String key) {
        StringBuilder name = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean last = i + 1 == key.length();
            char next = last ? 0 : key.charAt(i + 1);
            switch (c) {
                case '%' -> name.append("%25");
                case '\\' -> name.append("%5C");
                case '.' -> name.append(last || next == '/' ? "%2E" : ".");
                case '/' -> name.append(i == 0 || last || next == '/' ? "%2F" : "/");
                default -> name.append(c);
            }
        }
        return name.toString();
    }

    /**
     * The key whose object name is {@code name}, or empty if no key maps to it: an object another program
     * wrote, which this store neither lists nor could read back under the listed key.
     */
    public static Optional<String> decode(String name) {
        requireNonNull(name, "name");
        StringBuilder key = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '%') {
                key.append(c);
                continue;
            }
            int high = i + 2 < name.length() ? Character.digit(name.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(name.charAt(i + 2), 16);
            if (low < 0) {
                return Optional.empty();
            }
            key.append((char) (high * 16 + low));
            i += 2;
        }
        String decoded = key.toString();
        // Only names encode() produces are keys: "a//b" or "%41" decode to something, but not reversibly.
        return !decoded.isEmpty() && encode(decoded).equals(name) ? Optional.of(decoded) : Optional.empty();
    }

    /**
     * The name prefixes whose listings together hold exactly the names of the keys that start with
     * {@code prefix} (a valid prefix, possibly empty): one, or two when the prefix ends in a character whose
     * form depends on the one after it.
     */
    public static List<String> listPrefixes(String prefix) {
        String encoded = encode(prefix);
        boolean ambiguous = prefix.endsWith(".") || (prefix.endsWith("/") && prefix.length() > 1);
        if (!ambiguous) {
            return List.of(encoded);
        }
        // encode() wrote the last character as if the key ended there (%2E or %2F); it may also be followed.
        String head = encoded.substring(0, encoded.length() - 3);
        return List.of(head + prefix.charAt(prefix.length() - 1), encoded);
    }
}
