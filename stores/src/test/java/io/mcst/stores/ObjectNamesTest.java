package io.mcst.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ObjectNamesTest {
    /** Keys over the characters the codec treats specially, so short random keys hit every rule. */
    private static final char[] ALPHABET = {'a', 'b', '/', '.', '%', '\\', '2', 'F', 'E'};

    @Test
    void typicalKeysAreTheirOwnNames() {
        for (String key : List.of("topic/0/00000000000000000042.avro", "a-b_c/d e", "日本/😀", ".hidden/x")) {
            assertThat(ObjectNames.encode(key)).isEqualTo(key);
        }
    }

    @Test
    void namesHaveNoDotOrEmptySegmentsAndNoTrailingDot() {
        assertThat(ObjectNames.encode("a/./b/../c")).isEqualTo("a/%2E/b/.%2E/c");
        assertThat(ObjectNames.encode("/lead//x/")).isEqualTo("%2Flead%2F/x%2F");
        assertThat(ObjectNames.encode("100%\\x.")).isEqualTo("100%25%5Cx%2E");
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            String name = ObjectNames.encode(randomKey(random, 1 + random.nextInt(8)));
            List<String> segments = Arrays.asList(name.split("/", -1));
            assertThat(segments).as(name).doesNotContain("", ".", "..").noneMatch(s -> s.endsWith("."));
            assertThat(name).doesNotContain("\\");
        }
    }

    @Test
    void everyKeyRoundTripsAndForeignNamesAreNotKeys() {
        Random random = new Random(2);
        for (int i = 0; i < 20_000; i++) {
            String key = randomKey(random, 1 + random.nextInt(8));
            assertThat(ObjectNames.decode(ObjectNames.encode(key))).as(key).contains(key);
        }
        for (String foreign : List.of("a//b", "a/./b", "x/", "%41", "%zz", "%2", "trailing.", "")) {
            assertThat(ObjectNames.decode(foreign)).as(foreign).isEmpty();
        }
    }

    /** The listing rule adapters rely on: names under listPrefixes(p) are exactly the keys starting with p. */
    @Test
    void listPrefixesCoverExactlyTheKeysWithThePrefix() {
        Random random = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            String key = randomKey(random, 1 + random.nextInt(7));
            String prefix = random.nextInt(3) == 0 ? key.substring(0, random.nextInt(key.length() + 1))
                    : randomKey(random, random.nextInt(4));
            String name = ObjectNames.encode(key);
            List<String> prefixes = ObjectNames.listPrefixes(prefix);
            assertThat(prefixes.stream().anyMatch(name::startsWith))
                    .as("key %s, prefix %s, name %s, name prefixes %s", key, prefix, name, prefixes)
                    .isEqualTo(key.startsWith(prefix));
            assertThat(prefixes.stream().filter(name::startsWith).count()).as("listed once").isLessThanOrEqualTo(1);
        }
    }

    private static String randomKey(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
