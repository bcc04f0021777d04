package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.replication.layers.integrity.ChecksummingStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.memory.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integrity layer below replication: a replica whose bytes rot answers "corrupt", which the quorum
 * treats as no answer. Reads still return the value, the bad replica is repaired, and with more than t bad
 * replicas reads fail rather than return wrong bytes.
 */
class IntegrityBelowReplicationTest {
    private final List<MemoryStore> bases = List.of(new MemoryStore("s0"), new MemoryStore("s1"), new MemoryStore("s2"));
    private final ReplicatedStore replicated = new ReplicatedStore(
            bases.stream().map(ChecksummingStore::new).toList(),
            ReplicationOptions.defaults().withPhaseTimeout(Duration.ofSeconds(30)));

    @AfterEach
    void close() {
        replicated.close();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {100, 200 * 1024})
    void aReplicaWithRottenBytesIsOutvoted(int size) throws Exception {
        byte[] value = randomBytes(size);
        replicated.put("k", value);
        assertThat(replicated.awaitBackgroundWork(Duration.ofSeconds(60))).isTrue();

        rot(bases.get(1));
        assertThat(replicated.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    /** A value above the inline limit is read from its temporary copy, which read-repair rewrites. */
    @Test
    void theRottenTemporaryCopyOfALargeValueIsRepaired() throws Exception {
        byte[] value = randomBytes(200 * 1024);
        replicated.put("k", value);
        assertThat(replicated.awaitBackgroundWork(Duration.ofSeconds(60))).isTrue();
        rot(bases.get(1));

        assertThat(replicated.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        assertThat(replicated.awaitBackgroundWork(Duration.ofSeconds(60))).isTrue();

        ChecksummingStore checked = new ChecksummingStore(bases.get(1));
        List<String> temporaries = bases.get(1).list("").stream().filter(key -> key.endsWith(".v")).toList();
        assertThat(temporaries).hasSize(1);
        assertThat(checked.get(temporaries.get(0))).as("repaired").isPresent();
    }

    @Test
    void moreRottenReplicasThanToleratedFailTheReadInsteadOfLying() throws Exception {
        replicated.put("k", new byte[] {1, 2, 3});
        assertThat(replicated.awaitBackgroundWork(Duration.ofSeconds(60))).isTrue();
        rot(bases.get(0));
        rot(bases.get(2));
        assertThatThrownBy(() -> replicated.get("k"))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("2 of 3 stores hold corrupt data")
                .hasMessageContaining("s0")
                .hasMessageContaining("s2");
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Flips the last byte of every blob of {@code store}: damage a blob format's own header would not see. */
    private static void rot(MemoryStore store) {
        for (String key : store.list("")) {
            byte[] blob = store.get(key).orElseThrow();
            blob[blob.length - 1] ^= 0x01;
            store.put(key, blob);
        }
    }
}
