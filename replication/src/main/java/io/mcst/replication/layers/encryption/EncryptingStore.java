package io.mcst.replication.layers.encryption;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.layers.ValueTransformingStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Client-side authenticated encryption with a Tink AEAD: the stores below see only ciphertext. The logical
 * key is the associated data, so a blob copied or moved to another key fails to decrypt instead of being
 * served as that key's value. A blob that fails to decrypt is a {@link StoreCorruptionException} naming the
 * store and key and the likely reason (a key missing from the keyset, or altered bytes).
 *
 * <p>Blobs are Tink ciphertexts: with the usual TINK-prefixed keys, 5 bytes of key id, then the nonce (12
 * bytes for AES-GCM, 24 for XChaCha20), the encrypted value and a 16-byte tag.
 */
public final class EncryptingStore extends ValueTransformingStore {
    private final EncryptionKeyset keyset;

    public EncryptingStore(KeyValueStore delegate, EncryptionKeyset keyset) {
        super(delegate);
        this.keyset = requireNonNull(keyset, "keyset");
    }

    @Override
    protected byte[] encode(String key, byte[] value) {
        requireNonNull(value, "value");
        try {
            return keyset.aead().encrypt(value, associatedData(key));
        } catch (GeneralSecurityException e) {
            throw new StoreException("store '%s': could not encrypt blob '%s'".formatted(name(), key), e);
        }
    }

    @Override
    protected byte[] decode(String key, byte[] ciphertext) {
        try {
            return keyset.aead().decrypt(ciphertext, associatedData(key));
        } catch (GeneralSecurityException e) {
            String why = keyset.foreignKeyId(ciphertext)
                    .map(id -> "was encrypted with key id " + Integer.toUnsignedString(id) + ", which "
                            + "encryption.keyset does not hold (a wrong keyset, or a key removed while blobs "
                            + "still needed it)")
                    .orElse("fails authentication: it was altered, moved here from another key, written "
                            + "without encryption, or encrypted with a key this keyset lacks");
            throw new StoreCorruptionException("store '%s': blob '%s' %s".formatted(name(), key, why), e);
        }
    }

    private static byte[] associatedData(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "EncryptingStore[" + keyset + ", " + delegate() + "]";
    }
}
