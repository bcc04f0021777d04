package io.mcst.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class KeyValueWorkloadTest {
    private static final Duration RUN = Duration.ofMillis(200);

    @Test
    void aCorrectStorePassesEveryRead() {
        KeyValueWorkload workload = new KeyValueWorkload(2, 3, 64);
        try (KeyValueStore store = new MemoryStore("m")) {
            LoadRunner.Result puts = workload.puts(store, RUN);
            LoadRunner.Result gets = workload.gets(store, RUN);
            assertThat(puts.errors()).isZero();
            assertThat(gets.errors()).isZero();
            assertThat(gets.ops()).isPositive();
            assertThat(gets.bytes()).isEqualTo(gets.ops() * 64);
        }
    }

    @Test
    void aStoreReturningAnOlderValueFailsTheReadInsteadOfCountingAsFast() {
        KeyValueWorkload workload = new KeyValueWorkload(1, 1, 64);
        try (KeyValueStore store = new FirstValueStore(new MemoryStore("stale"))) {
            workload.puts(store, RUN);
            LoadRunner.Result gets = workload.gets(store, RUN);
            assertThat(gets.ops()).isZero();
            assertThat(gets.errors()).isPositive();
            assertThat(gets.firstError()).contains("returned an old value");
        }
    }

    /** Keeps the first value written to each key forever: a store that loses every overwrite. */
    private static final class FirstValueStore extends ForwardingKeyValueStore {
        private final Map<String, Boolean> written = new ConcurrentHashMap<>();

        FirstValueStore(KeyValueStore delegate) {
            super(delegate);
        }

        @Override
        public void put(String key, byte[] value) {
            if (written.putIfAbsent(key, true) == null) {
                super.put(key, value);
            }
        }
    }
}
