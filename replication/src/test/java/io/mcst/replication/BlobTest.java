package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.StoreCorruptionException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlobTest {
    private static final Timestamp TS = new Timestamp(7, "0123456789abcdef0123456789abcdef");

    @Test
    void fullBlobRoundTripsItsHeaderAndPayload() {
        byte[] value = new byte[1000];
        new Random(1).nextBytes(value);
        Blob decoded = Blob.decode(Blob.full(Kind.VALUE, TS, value).encode(), "test");
        assertThat(decoded.ts()).isEqualTo(TS);
        assertThat(decoded.kind()).isEqualTo(Kind.VALUE);
        assertThat(decoded.form()).isEqualTo(Blob.Form.FULL);
        assertThat(decoded.payload()).isEqualTo(value);
    }

    @Test
    void thinBlobCarriesTheTimestampAndNoPayload() {
        byte[] encoded = Blob.full(Kind.VALUE, TS, new byte[100_000]).thin().encode();
        assertThat(encoded).hasSize(Blob.HEADER_BYTES);
        Blob decoded = Blob.decode(encoded, "test");
        assertThat(decoded.form()).isEqualTo(Blob.Form.THIN);
        assertThat(decoded.ts()).isEqualTo(TS);
        assertThat(decoded.valueLength()).isEqualTo(100_000);
    }

    @Test
    void everySingleBitFlipIsCaught() {
        byte[] encoded = Blob.full(Kind.TOMBSTONE, TS, new byte[] {1, 2, 3}).encode();
        for (int bit = 0; bit < encoded.length * 8; bit++) {
            byte[] flipped = encoded.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> Blob.decode(flipped, "store 's', key k"))
                    .isInstanceOf(StoreCorruptionException.class)
                    .hasMessageContaining("store 's', key k");
        }
    }

    @Test
    void truncatedAndForeignBytesAreCorrupt() {
        byte[] encoded = Blob.full(Kind.VALUE, TS, new byte[] {1, 2, 3}).encode();
        assertThatThrownBy(() -> Blob.decode(java.util.Arrays.copyOf(encoded, encoded.length - 1), "x"))
                .isInstanceOf(StoreCorruptionException.class);
        assertThatThrownBy(() -> Blob.decode("plain text, not a blob at all......................".getBytes(), "x"))
                .isInstanceOf(StoreCorruptionException.class).hasMessageContaining("magic");
    }
}
