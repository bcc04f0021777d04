package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.replication.KeyLayout.Listed;
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
        assertThat(KeyLayout.parse(key)).contains(new Listed("a/b", TS, Kind.TOMBSTONE, false));
        String next = KeyLayout.temporaryKey(KeyLayout.escape("a/b"), new Timestamp(0x10000, TS.clientId()), Kind.VALUE);
        assertThat(next).isGreaterThan(key);
    }

    @Test
    void markersParseAsMarkersOfTheirOwnKeyOnly() {
        String marker = KeyLayout.markerKey(KeyLayout.escape("a/b"), TS, Kind.VALUE);
        assertThat(marker).isEqualTo("a%2Fb/t/0000000000001234-0123456789abcdef0123456789abcdef.v.m");
        assertThat(KeyLayout.parse(marker)).contains(new Listed("a/b", TS, Kind.VALUE, true));
        assertThat(KeyLayout.parse(marker).orElseThrow().storeKey()).isEqualTo(marker);
        // A key whose name looks like a version suffix stays a different register: its versions sit under its own /t/.
        String lookalike = KeyLayout.temporaryKey(KeyLayout.escape("a/b/t/0000000000001234-0123456789abcdef0123456789abcdef.v"), TS, Kind.VALUE);
        assertThat(KeyLayout.parse(lookalike).orElseThrow().key()).isEqualTo("a/b/t/0000000000001234-0123456789abcdef0123456789abcdef.v");
        assertThat(KeyLayout.parse(lookalike).orElseThrow().marker()).isFalse();
        assertThat(KeyLayout.parse(marker + ".m")).isEmpty();
        assertThat(KeyLayout.parse(marker.replace(".v.m", ".vm"))).isEmpty();
    }

    @Test
    void foreignKeysAreNotTemporaryKeys() {
        assertThat(KeyLayout.parse(KeyLayout.eternalKey("a"))).isEmpty();
        assertThat(KeyLayout.parse("a/t/xyz")).isEmpty();
        assertThat(KeyLayout.parse("a/t/0000000000001234-0123456789abcdef0123456789abcdef.q")).isEmpty();
        assertThat(KeyLayout.parse("a/t/0000000000001234-0123456789ABCDEF0123456789abcdef.v")).isEmpty();
        assertThat(KeyLayout.parse("some/other/t/0000000000001234-0123456789abcdef0123456789abcdef.v")).isEmpty();
    }
}
