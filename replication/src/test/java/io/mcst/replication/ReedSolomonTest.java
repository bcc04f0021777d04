package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReedSolomonTest {
    @Test
    void fieldArithmeticHasInverses() {
        for (int a = 1; a < 256; a++) {
            assertThat(ReedSolomon.multiply((byte) a, ReedSolomon.inverse((byte) a))).isEqualTo((byte) 1);
        }
    }

    @Test
    void dataFragmentsAreTheValueItself() {
        byte[] value = "abcdefghij".getBytes();
        byte[][] fragments = new ReedSolomon(3, 5).encode(value);
        assertThat(fragments).hasNumberOfRows(5);
        assertThat(fragments[0]).isEqualTo("abcd".getBytes());
        assertThat(fragments[1]).isEqualTo("efgh".getBytes());
        assertThat(fragments[2]).isEqualTo(new byte[] {'i', 'j', 0, 0});
    }

    @Test
    void everySubsetOfKFragmentsDecodes() {
        Random random = new Random(11);
        int[][] shapes = {{1, 1}, {1, 3}, {2, 3}, {3, 5}, {2, 5}, {4, 7}, {5, 9}};
        for (int[] shape : shapes) {
            int k = shape[0];
            int n = shape[1];
            ReedSolomon code = new ReedSolomon(k, n);
            for (int length : new int[] {0, 1, k - 1, k, 1000, 4097}) {
                if (length < 0) {
                    continue;
                }
                byte[] value = new byte[length];
                random.nextBytes(value);
                byte[][] fragments = code.encode(value);
                for (List<Integer> subset : subsets(n, k)) {
                    Map<Integer, byte[]> chosen = new HashMap<>();
                    subset.forEach(i -> chosen.put(i, fragments[i]));
                    assertThat(code.decode(chosen, length)).as("k=%d n=%d length=%d from %s", k, n, length, subset).isEqualTo(value);
                }
            }
        }
    }

    @Test
    void tooFewFragmentsAreRejected() {
        ReedSolomon code = new ReedSolomon(3, 5);
        byte[][] fragments = code.encode(new byte[30]);
        assertThatThrownBy(() -> code.decode(Map.of(0, fragments[0], 4, fragments[4]), 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 3");
        assertThatThrownBy(() -> new ReedSolomon(4, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<List<Integer>> subsets(int n, int k) {
        List<List<Integer>> out = new ArrayList<>();
        for (int mask = 0; mask < (1 << n); mask++) {
            if (Integer.bitCount(mask) == k) {
                List<Integer> subset = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if ((mask & (1 << i)) != 0) {
                        subset.add(i);
                    }
                }
                out.add(subset);
            }
        }
        return out;
    }
}
