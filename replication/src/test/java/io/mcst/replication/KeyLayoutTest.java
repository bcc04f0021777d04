package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.KeyLayout.Temporary;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {
    private static final Timestamp TS = new Timestamp(0x1234, "0123456789abcdef0123456789abcdef");

    @Test
    void escapingKeepsSafeCharactersAndHexesTheRest() {
        assertThat(KeyLayout.escape("a-Z_0.9")).isEqualTo("a-Z_0.9");
        assertThat(KeyLayout.escape("a/b c%")).isEqualTo("a%2Fb%20c%25");
        assertThat(KeyLayout.escape("é")).isEqualTo("%C3%A9");
    }

    @Test
    void unescapeInvertsEscapeAndRejectsNonCanonicalForms() {
        for (String key : List.of("a/b", "ünïcödé/日本語/😀", "%2F", "with space", "..", "x")) {
            assertThat(KeyLayout.unescape(KeyLayout.escape(key))).contains(key);
        }
        assertThat(KeyLayout.unescape("%2f")).isEmpty(); // lowercase hex is not what escape writes
        assertThat(KeyLayout.unescape("%41")).isEmpty(); // 'A' is never escaped
        assertThat(KeyLayout.unescape("a/b")).isEmpty();
        assertThat(KeyLayout.unescape("%C3")).isEmpty(); // not UTF-8
    }

    @Test
    void escapingPreservesPrefixes() {
        String prefix = KeyLayout.escape("logs/2024-");
        assertThat(KeyLayout.escape("logs/2024-01/a")).startsWith(prefix);
        assertThat(KeyLayout.escape("logs2024")).doesNotStartWith(prefix);
    }

    @Test
    void temporaryKeysRoundTripAndSortByCounter() {
        String key = KeyLayout.temporaryKey(KeyLayout.escape("a/b"), TS, Kind.TOMBSTONE);
        assertThat(key).isEqualTo("a%2Fb/t/0000000000001234-0123456789abcdef0123456789abcdef.d");
        assertThat(KeyLayout.parseTemporary(key)).contains(new Temporary("a/b", TS, Kind.TOMBSTONE));
        String next = KeyLayout.temporaryKey(KeyLayout.escape("a/b"), new Timestamp(0x10000, TS.clientId()), Kind.VALUE);
        assertThat(next).isGreaterThan(key);
    }

    @Test
    void foreignKeysAreNotTemporaryKeys() {
        assertThat(KeyLayout.parseTemporary(KeyLayout.eternalKey("a"))).isEmpty();
        assertThat(KeyLayout.parseTemporary("a/t/xyz")).isEmpty();
        assertThat(KeyLayout.parseTemporary("a/t/0000000000001234-0123456789abcdef0123456789abcdef.q")).isEmpty();
        assertThat(KeyLayout.parseTemporary("a/t/0000000000001234-0123456789ABCDEF0123456789abcdef.v")).isEmpty();
        assertThat(KeyLayout.parseTemporary("some/other/t/0000000000001234-0123456789abcdef0123456789abcdef.v")).isEmpty();
    }
}
