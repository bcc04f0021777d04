package io.mcst.replication.layers.encryption;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.Fence;
import io.mcst.replication.FencedStore;
import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreCorruptionException;
import io.mcst.stores.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Client-side authenticated encryption with a Tink AEAD: the stores below see only ciphertext. The logical
 * key is the associated data, so a blob copied or moved to another key fails to decrypt instead of being
 * served as that key's value. A blob that fails to decrypt is a {@link StoreCorruptionException} naming the
 * store and key and the likely reason (a key missing from the keyset, or altered bytes).
 *
 * <p>Blobs are Tink ciphertexts: with the usual TINK-prefixed keys, 5 bytes of key id, then the nonce (12
 * bytes for AES-GCM, 24 for XChaCha20), the encrypted value and a 16-byte tag.
 */
public final class EncryptingStore extends ForwardingKeyValueStore implements FencedStore {
    private final EncryptionKeyset keyset;

    public EncryptingStore(KeyValueStore delegate, EncryptionKeyset keyset) {
        super(delegate);
        this.keyset = requireNonNull(keyset, "keyset");
    }

    @Override
    public void put(String key, byte[] value) {
        super.put(key, encrypt(key, value));
    }

    @Override
    public Optional<byte[]> get(String key) {
        return super.get(key).map(ciphertext -> decrypt(key, ciphertext));
    }

    @Override
    public Fence takeover(String key) {
        Fence fence = FencedStore.of(delegate()).takeover(key);
        return fence.withValue(fence.value().map(ciphertext -> decrypt(key, ciphertext)));
    }

    @Override
    public void putFenced(String key, byte[] value, Fence fence) {
        FencedStore.of(delegate()).putFenced(key, encrypt(key, value), fence);
    }

    @Override
    public void removeFenced(String key, Fence fence) {
        FencedStore.of(delegate()).removeFenced(key, fence);
    }

    private byte[] encrypt(String key, byte[] value) {
        requireNonNull(value, "value");
        try {
            return keyset.aead().encrypt(value, associatedData(key));
        } catch (GeneralSecurityException e) {
            throw new StoreException("store '%s': could not encrypt blob '%s'".formatted(name(), key), e);
        }
    }

    private byte[] decrypt(String key, byte[] ciphertext) {
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
