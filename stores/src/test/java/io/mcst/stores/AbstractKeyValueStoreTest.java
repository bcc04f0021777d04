package io.mcst.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link KeyValueStore}: every adapter's and every layer's test extends this class and
 * passes all of it. Each test works below a fresh random prefix, so live-cloud subclasses can share one
 * bucket; the prefix is emptied after each test.
 */
public abstract class AbstractKeyValueStoreTest {
    /** More than one page of every cloud's listing (S3 and GCS: 1,000; Azure: 5,000 with our page size set lower). */
    private static final int MANY_KEYS = 1_100;
    private static final int THREADS = 8;

    protected KeyValueStore store;
    /** Every key of a test starts with this. */
    protected String root;

    /** A store for one test. It may hold keys of other tests, but none below a fresh random prefix. */
    protected abstract KeyValueStore createStore() throws Exception;

    /** Whether values of {@code size} bytes are within this store's limits; all adapters take 8 MiB. */
    protected int largeValueBytes() {
        return 8 * 1024 * 1024;
    }

    @BeforeEach
    final void openStore() throws Exception {
        store = createStore();
        root = "contract-" + UUID.randomUUID() + "/";
    }

    @AfterEach
    final void closeStore() {
        try {
            store.list(root).forEach(store::remove);
        } catch (IllegalStateException closedByTheTest) {
            // the test closed the store itself
        } finally {
            store.close();
        }
    }

    protected final String key(String name) {
        return root + name;
    }

    @Test
    void emptyValueRoundTrips() {
        assertRoundTrip(key("empty"), new byte[0]);
    }

    @Test
    void oneByteValueRoundTrips() {
        assertRoundTrip(key("one"), new byte[] {(byte) 0xff});
    }

    @Test
    void everyByteValueRoundTrips() {
        byte[] value = new byte[512];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        assertRoundTrip(key("bytes"), value);
    }

    @Test
    void largeValueRoundTripsByteExact() {
        byte[] value = randomBytes(largeValueBytes(), 42);
        assertRoundTrip(key("large"), value);
    }

    @Test
    void getOfMissingKeyIsEmpty() {
        assertThat(store.get(key("missing"))).isEmpty();
    }

    @Test
    void overwriteReplacesTheValue() {
        store.put(key("k"), utf8("first, and longer than the second"));
        store.put(key("k"), utf8("second"));
        assertThat(store.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("second")));
        assertThat(store.list(root)).containsExactly(key("k"));
    }

    @Test
    void removeThenGetIsEmpty() {
        store.put(key("k"), utf8("v"));
        store.remove(key("k"));
        assertThat(store.get(key("k"))).isEmpty();
        assertThat(store.list(root)).isEmpty();
    }

    @Test
    void removeOfMissingKeyIsANoOp() {
        store.remove(key("never-written"));
        store.put(key("k"), utf8("v"));
        store.remove(key("k"));
        store.remove(key("k"));
        assertThat(store.get(key("k"))).isEmpty();
    }

    @Test
    void removeLeavesOtherKeys() {
        store.put(key("a"), utf8("a"));
        store.put(key("a/b"), utf8("ab"));
        store.put(key("ab"), utf8("ab2"));
        store.remove(key("a"));
        assertThat(store.list(root)).containsExactlyInAnyOrder(key("a/b"), key("ab"));
        assertThat(store.get(key("a/b"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("ab")));
    }

    @Test
    void valuesAreCopiedInAndOut() {
        byte[] value = utf8("original");
        store.put(key("k"), value);
        value[0] = 'X';
        byte[] read = store.get(key("k")).orElseThrow();
        read[1] = 'Y';
        assertThat(store.get(key("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("original")));
    }

    @Test
    void listReturnsExactlyTheKeysWithThePrefix() {
        List<String> names = List.of("p/a", "p/b", "p/c/d", "p/c/e/f", "pq", "p", "q/p/a", "x");
        names.forEach(name -> store.put(key(name), utf8(name)));

        assertThat(store.list(key("p/"))).containsExactlyInAnyOrder(key("p/a"), key("p/b"), key("p/c/d"), key("p/c/e/f"));
        assertThat(store.list(key("p"))).containsExactlyInAnyOrder(
                key("p/a"), key("p/b"), key("p/c/d"), key("p/c/e/f"), key("pq"), key("p"));
        assertThat(store.list(key("p/c/"))).containsExactlyInAnyOrder(key("p/c/d"), key("p/c/e/f"));
        assertThat(store.list(key("p/c/e"))).containsExactly(key("p/c/e/f"));
        assertThat(store.list(key("p/c/e/f"))).containsExactly(key("p/c/e/f"));
        assertThat(store.list(key("nothing-here"))).isEmpty();
        assertThat(store.list(root)).hasSize(names.size()).doesNotHaveDuplicates();
    }

    @Test
    void listWithEmptyPrefixIncludesEveryKey() {
        store.put(key("a"), utf8("a"));
        store.put(key("b/c"), utf8("bc"));
        assertThat(store.list("")).contains(key("a"), key("b/c"));
    }

    @Test
    void listFollowsEveryPagePastOneThousandKeys() throws Exception {
        List<String> keys = IntStream.range(0, MANY_KEYS).mapToObj(i -> key("many/%05d".formatted(i))).toList();
        inParallel(keys.stream().<Callable<Void>>map(k -> () -> {
            store.put(k, utf8(k));
            return null;
        }).toList());
        store.put(key("manyx"), utf8("outside the prefix"));

        List<String> listed = store.list(key("many/"));
        assertThat(listed).hasSize(MANY_KEYS).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void unusualKeysRoundTripAndListExactly() {
        List<String> names = List.of(
                "a/b/c", "trailing/", "/leading", "double//slash", "with space", "tab\u00a0nbsp",
                "ünïcödé/日本語/😀", "percent%2F%", "equals=sign=", ".hidden", "..", "dots/./and/../segments",
                "%staging", "quote\"'*?<>|:\\", "plus+amp&hash#", "node", "node/child");
        Map<String, byte[]> values = new HashMap<>();
        for (String name : names) {
            values.put(key(name), utf8("value of " + name));
            store.put(key(name), values.get(key(name)));
        }
        for (var entry : values.entrySet()) {
            assertThat(store.get(entry.getKey()))
                    .as("get %s", entry.getKey())
                    .hasValueSatisfying(v -> assertThat(v).isEqualTo(entry.getValue()));
        }
        assertThat(store.list(root)).containsExactlyInAnyOrderElementsOf(values.keySet());
        assertThat(store.list(key("ünïcödé/"))).containsExactly(key("ünïcödé/日本語/😀"));
        assertThat(store.list(key("node"))).containsExactlyInAnyOrder(key("node"), key("node/child"));
    }

    @Test
    void invalidKeysAreRejected() {
        assertThatThrownBy(() -> store.put("", utf8("v"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get("nul\u0000byte")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put("x".repeat(StoreKeys.MAX_KEY_BYTES + 1), utf8("v")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentPutsOfDifferentKeysAllLand() throws Exception {
        int perThread = 25;
        Map<String, byte[]> expected = new HashMap<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Map<String, byte[]> mine = new HashMap<>();
            for (int i = 0; i < perThread; i++) {
                mine.put(key("t%d/k%d".formatted(t, i)), randomBytes(1 + 97 * i, t * 1000L + i));
            }
            expected.putAll(mine);
            tasks.add(() -> {
                mine.forEach(store::put);
                return null;
            });
        }
        inParallel(tasks);

        assertThat(store.list(root)).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(store.get(k)).as(k).hasValueSatisfying(read -> assertThat(read).isEqualTo(v)));
    }

    /** Guards atomicity: a reader racing writers of one key sees a whole value, never a torn or empty one. */
    @Test
    void concurrentOverwritesNeverExposeATornValue() throws Exception {
        String k = key("contended");
        int size = 256 * 1024;
        store.put(k, filled(size, (byte) 0));
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 1; t < THREADS / 2; t++) {
            byte fill = (byte) t;
            tasks.add(() -> {
                for (int i = 0; i < 10; i++) {
                    store.put(k, filled(size, fill));
                }
                return null;
            });
        }
        List<byte[]> torn = new ArrayList<>();
        Callable<Void> reader = () -> {
            while (writing.get()) {
                byte[] v = store.get(k).orElseThrow(() -> new AssertionError("value vanished during overwrites"));
                if (v.length != size || !Arrays.equals(v, filled(size, v[0]))) {
                    synchronized (torn) {
                        torn.add(v);
                    }
                }
            }
            return null;
        };
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> reads = List.of(readers.submit(reader), readers.submit(reader));
            try {
                inParallel(tasks);
            } finally {
                writing.set(false);
            }
            for (Future<Void> read : reads) {
                read.get(60, TimeUnit.SECONDS);
            }
        } finally {
            readers.shutdownNow();
        }
        assertThat(torn).as("torn reads").isEmpty();
    }

    @Test
    void operationsAfterCloseFailClearly() {
        store.put(key("k"), utf8("v"));
        store.close();
        store.close(); // idempotent
        String named = "'" + store.name() + "'";
        assertThatThrownBy(() -> store.put(key("k"), utf8("v"))).isInstanceOf(IllegalStateException.class).hasMessageContaining(named);
        assertThatThrownBy(() -> store.get(key("k"))).isInstanceOf(IllegalStateException.class).hasMessageContaining(named);
        assertThatThrownBy(() -> store.remove(key("k"))).isInstanceOf(IllegalStateException.class).hasMessageContaining(named);
        assertThatThrownBy(() -> store.list(root)).isInstanceOf(IllegalStateException.class).hasMessageContaining(named);
    }

    protected final void assertRoundTrip(String key, byte[] value) {
        store.put(key, value);
        Optional<byte[]> read = store.get(key);
        assertThat(read).isPresent();
        assertThat(read.get()).hasSize(value.length);
        assertThat(Arrays.equals(read.get(), value)).as("byte-exact round trip of %s", key).isTrue();
        assertThat(store.list(key)).containsExactly(key);
    }

    protected static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] filled(int size, byte fill) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, fill);
        return bytes;
    }

    private static void inParallel(List<Callable<Void>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (Future<Void> done : pool.invokeAll(tasks, 5, TimeUnit.MINUTES)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
