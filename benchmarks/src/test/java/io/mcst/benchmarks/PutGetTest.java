package io.mcst.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A measurement reports what the stores held after it, before it forgets them. */
class PutGetTest {
    @Test
    void storedBytesAreEveryKeysLastValueOverTheStores() {
        ValueLoad load = new ValueLoad("1 KiB", ValueLoad.KIB, 2, 3);
        PutGet run = PutGet.measure(() -> Stacks.single("putget-test", 0), load, Duration.ofMillis(200));

        assertThat(run.errors()).isZero();
        // one bare store: exactly the 2 x 3 keys, each holding one 1 KiB value
        assertThat(run.storedBytes()).isEqualTo(2L * 3 * ValueLoad.KIB);
        assertThat(BenchStores.storedBytesOfAll()).isZero();
    }
}
