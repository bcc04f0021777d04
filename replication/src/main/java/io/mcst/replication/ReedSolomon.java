package io.mcst.replication;

import java.util.Arrays;
import java.util.Map;

/**
 * A systematic Reed–Solomon code over GF(2^8): a value splits into k data fragments (its bytes, zero-padded
 * to a multiple of k) plus n − k parity fragments, and any k of the n fragments give the value back.
 * The encoding matrix is the identity on top of an (n − k) × k Cauchy matrix, so every k × k submatrix is
 * invertible, which is what "any k" needs.
 */
final class ReedSolomon {
    private static final int FIELD = 256;
    /** x^8 + x^4 + x^3 + x^2 + 1, whose root 2 generates the multiplicative group. */
    private static final int POLYNOMIAL = 0x11D;
    private static final byte[] EXP = new byte[2 * FIELD];
    private static final int[] LOG = new int[FIELD];

    static {
        int x = 1;
        for (int i = 0; i < FIELD - 1; i++) {
            EXP[i] = (byte) x;
            LOG[x] = i;
            x <<= 1;
            if (x >= FIELD) {
                x ^= POLYNOMIAL;
            }
        }
        for (int i = FIELD - 1; i < EXP.length; i++) {
            EXP[i] = EXP[i - (FIELD - 1)];
        }
    }

    private final int dataFragments;
    private final int totalFragments;
    /** Row i gives fragment i as a combination of the k data fragments. */
    private final byte[][] matrix;

    ReedSolomon(int dataFragments, int totalFragments) {
        if (dataFragments < 1 || dataFragments > totalFragments || totalFragments > FIELD - 1) {
            throw new IllegalArgumentException("need 1 <= k <= n <= 255, got k=" + dataFragments + ", n=" + totalFragments);
        }
        this.dataFragments = dataFragments;
        this.totalFragments = totalFragments;
        this.matrix = new byte[totalFragments][dataFragments];
        for (int i = 0; i < dataFragments; i++) {
            matrix[i][i] = 1;
        }
        for (int i = dataFragments; i < totalFragments; i++) {
            for (int j = 0; j < dataFragments; j++) {
                // Cauchy: 1 / (x_i + y_j) with x_i = i and y_j = j distinct (i >= k > j), so never 1 / 0.
                matrix[i][j] = inverse((byte) (i ^ j));
            }
        }
    }

    int dataFragments() {
        return dataFragments;
    }

    static int fragmentSize(int valueLength, int dataFragments) {
        return (valueLength + dataFragments - 1) / dataFragments;
    }

    /** All n fragments of {@code value}; fragment i goes to store i. */
    byte[][] encode(byte[] value) {
        int size = fragmentSize(value.length, dataFragments);
        byte[] padded = Arrays.copyOf(value, size * dataFragments);
        byte[][] data = new byte[dataFragments][];
        for (int j = 0; j < dataFragments; j++) {
            data[j] = Arrays.copyOfRange(padded, j * size, (j + 1) * size);
        }
        byte[][] fragments = new byte[totalFragments][];
        for (int i = 0; i < totalFragments; i++) {
            fragments[i] = i < dataFragments ? data[i] : combine(matrix[i], data, size);
        }
        return fragments;
    }

    /**
     * The value of {@code valueLength} bytes from any k fragments, keyed by fragment index.
     *
     * @throws IllegalArgumentException if fewer than k fragments or fragments of the wrong size are given
     */
    byte[] decode(Map<Integer, byte[]> fragments, int valueLength) {
        int size = fragmentSize(valueLength, dataFragments);
        if (fragments.size() < dataFragments) {
            throw new IllegalArgumentException("need " + dataFragments + " fragments, got " + fragments.size());
        }
        int[] rows = fragments.keySet().stream().sorted().limit(dataFragments).mapToInt(Integer::intValue).toArray();
        byte[][] sub = new byte[dataFragments][];
        byte[][] shards = new byte[dataFragments][];
        for (int r = 0; r < dataFragments; r++) {
            sub[r] = matrix[rows[r]].clone();
            shards[r] = fragments.get(rows[r]);
            if (shards[r].length != size) {
                throw new IllegalArgumentException("fragment " + rows[r] + " has " + shards[r].length + " bytes, not " + size);
            }
        }
        byte[][] inverse = invert(sub);
        byte[] value = new byte[valueLength];
        for (int j = 0; j < dataFragments; j++) {
            byte[] data = combine(inverse[j], shards, size);
            int from = j * size;
            if (from < valueLength) {
                System.arraycopy(data, 0, value, from, Math.min(size, valueLength - from));
            }
        }
        return value;
    }

    /** Σ coefficients[j] · shards[j], byte by byte. */
    private static byte[] combine(byte[] coefficients, byte[][] shards, int size) {
        byte[] out = new byte[size];
        for (int j = 0; j < coefficients.length; j++) {
            int c = coefficients[j] & 0xff;
            if (c == 0) {
                continue;
            }
            int logC = LOG[c];
            byte[] shard = shards[j];
            for (int b = 0; b < size; b++) {
                int s = shard[b] & 0xff;
                if (s != 0) {
                    out[b] ^= EXP[logC + LOG[s]];
                }
            }
        }
        return out;
    }

    /** Gauss–Jordan elimination over GF(2^8); the matrix is invertible by construction. */
    private static byte[][] invert(byte[][] m) {
        int size = m.length;
        byte[][] inv = new byte[size][size];
        for (int i = 0; i < size; i++) {
            inv[i][i] = 1;
        }
        for (int col = 0; col < size; col++) {
            int pivot = col;
            while (m[pivot][col] == 0) {
                pivot++; // in range: the matrix is invertible
            }
            byte[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            swap = inv[col];
            inv[col] = inv[pivot];
            inv[pivot] = swap;
            byte scale = inverse(m[col][col]);
            scaleRow(m[col], scale);
            scaleRow(inv[col], scale);
            for (int row = 0; row < size; row++) {
                if (row != col && m[row][col] != 0) {
                    byte factor = m[row][col];
                    addScaledRow(m[row], m[col], factor);
                    addScaledRow(inv[row], inv[col], factor);
                }
            }
        }
        return inv;
    }

    private static void scaleRow(byte[] row, byte factor) {
        for (int i = 0; i < row.length; i++) {
            row[i] = multiply(row[i], factor);
        }
    }

    private static void addScaledRow(byte[] target, byte[] source, byte factor) {
        for (int i = 0; i < target.length; i++) {
            target[i] ^= multiply(source[i], factor);
        }
    }

    static byte multiply(byte a, byte b) {
        return a == 0 || b == 0 ? 0 : EXP[LOG[a & 0xff] + LOG[b & 0xff]];
    }

    static byte inverse(byte a) {
        if (a == 0) {
            throw new ArithmeticException("0 has no inverse");
        }
        return EXP[FIELD - 1 - LOG[a & 0xff]];
    }
}
