package io.mcst.replication.layers.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.mcst.replication.layers.encryption.EncryptionKeyset.KeyType;
import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.memory.MemoryStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The encryption layer over memory passes the store contract; plus what clients rely on from the AEAD. */
class EncryptingStoreTest extends AbstractKeyValueStoreTest {
    private static final EncryptionKeyset KEYSET = EncryptionKeyset.generate(KeyType.AES256_GCM);

    private MemoryStore inner;

    @Override
    protected KeyValueStore createStore() {
        inner = new MemoryStore("gcs");
        return new EncryptingStore(inner, KEYSET);
    }

    @Test
    void theStoreBelowSeesOnlyCiphertext() {
        byte[] plaintext = utf8("card number 4111-1111-1111-1111; ".repeat(100));
        store.put(key("secret"), plaintext);
        byte[] stored = inner.get(key("secret")).orElseThrow();
        assertThat(indexOf(stored, utf8("4111-1111"))).isEqualTo(-1);
        // Tink prefix, 12-byte nonce, 16-byte tag.
        assertThat(stored).hasSize(plaintext.length + 5 + 12 + 16);
        assertThat(store.get(key("secret"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(plaintext));
    }

    @Test
    void equalValuesEncryptDifferently() {
        store.put(key("a"), utf8("same"));
        byte[] first = inner.get(key("a")).orElseThrow();
        store.put(key("a"), utf8("same"));
        assertThat(inner.get(key("a")).orElseThrow()).isNotEqualTo(first);
    }

    @Test
    void aBlobMovedToAnotherKeyFailsToDecryptNamingTheKey() {
        store.put(key("invoice/1"), utf8("pay 10"));
        store.put(key("invoice/2"), utf8("pay 1000000"));
        inner.put(key("invoice/1"), inner.get(key("invoice/2")).orElseThrow());
        assertThatThrownBy(() -> store.get(key("invoice/1")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("store 'gcs'")
                .hasMessageContaining("blob '" + key("invoice/1") + "'")
                .hasMessageContaining("moved here from another key");
    }

    @Test
    void alteredCiphertextIsCorruption() {
        store.put(key("k"), utf8("value"));
        byte[] stored = inner.get(key("k")).orElseThrow();
        stored[stored.length - 1] ^= 1;
        inner.put(key("k"), stored);
        assertThatThrownBy(() -> store.get(key("k"))).isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("altered");
    }

    @Test
    void plaintextWrittenWithoutTheLayerIsRejected() {
        inner.put(key("plain"), utf8("not encrypted at all"));
        assertThatThrownBy(() -> store.get(key("plain")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("written without encryption");
    }

    @Test
    void aRotatedKeysetDecryptsOldBlobsAndEncryptsWithTheNewPrimary() {
        store.put(key("old"), utf8("written before rotation"));
        EncryptionKeyset rotated = EncryptionKeyset.parse(KEYSET.toJson()).rotate(KeyType.XCHACHA20_POLY1305);
        assertThat(rotated.keyIds()).hasSize(2).endsWith(KEYSET.keyIds().get(0));

        KeyValueStore afterRotation = new EncryptingStore(inner, rotated);
        assertThat(afterRotation.get(key("old"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("written before rotation")));
        afterRotation.put(key("new"), utf8("written after rotation"));
        byte[] stored = inner.get(key("new")).orElseThrow();
        assertThat(ByteBuffer.wrap(stored, 1, 4).getInt()).as("key id in the Tink prefix").isEqualTo(rotated.keyIds().get(0));

        // The old keyset lacks the new key: the error says so, by key id.
        assertThatThrownBy(() -> store.get(key("new")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("key id " + Integer.toUnsignedString(rotated.keyIds().get(0)))
                .hasMessageContaining("encryption.keyset does not hold");
    }

    @Test
    void aWrongKeysetGivesAClearError() {
        store.put(key("k"), utf8("value"));
        KeyValueStore wrong = new EncryptingStore(inner, EncryptionKeyset.generate(KeyType.AES256_GCM));
        assertThatThrownBy(() -> wrong.get(key("k")))
                .isInstanceOf(StoreCorruptionException.class)
                .hasMessageContaining("blob '" + key("k") + "'")
                .hasMessageContaining("was encrypted with key id " + Integer.toUnsignedString(KEYSET.keyIds().get(0)))
                .hasMessageContaining("wrong keyset");
    }

    @Test
    void xchachaKeysetsWork() {
        KeyValueStore xchacha = new EncryptingStore(inner, EncryptionKeyset.generate(KeyType.XCHACHA20_POLY1305));
        xchacha.put(key("x"), utf8("value"));
        assertThat(inner.get(key("x")).orElseThrow()).hasSize(5 + 5 + 24 + 16);
        assertThat(xchacha.get(key("x"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("value")));
    }

    @Test
    void keysetsRoundTripThroughJson() {
        EncryptionKeyset reparsed = EncryptionKeyset.parse(KEYSET.toJson());
        assertThat(reparsed.keyIds()).isEqualTo(KEYSET.keyIds());
        store.put(key("k"), utf8("v"));
        assertThat(new EncryptingStore(inner, reparsed).get(key("k"))).isPresent();
    }

    @Test
    void keysOfOtherTypesAreRejected() throws Exception {
        String aes128 = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES128_GCM), InsecureSecretKeyAccess.get());
        assertThatThrownBy(() -> EncryptionKeyset.parse(aes128))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only AES-256-GCM and XChaCha20-Poly1305");
    }

    @Test
    void aMalformedKeysetIsRejectedWithoutEchoingIt() {
        String notAKeyset = "{\"primaryKeyId\": 1, \"key\": [{\"keyData\": \"hunter2-secret\"}]}";
        assertThatThrownBy(() -> EncryptionKeyset.parse(notAKeyset))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a cleartext Tink JSON keyset")
                .hasMessageNotContaining("hunter2")
                .hasNoCause();
        assertThatThrownBy(() -> EncryptionKeyset.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsKeyIdsButNoKeyMaterial() {
        Matcher keyData = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]{20,})\"").matcher(KEYSET.toJson());
        assertThat(keyData.find()).as("key material in %s", KEYSET.toJson()).isTrue();
        assertThat(KEYSET.toString()).contains(Integer.toUnsignedString(KEYSET.keyIds().get(0)));
        assertThat(new EncryptingStore(inner, KEYSET).toString()).doesNotContain(keyData.group(1));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return Collections.indexOfSubList(toList(haystack), toList(needle));
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
