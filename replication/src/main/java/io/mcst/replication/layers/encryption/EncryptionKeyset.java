package io.mcst.replication.layers.encryption;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AeadKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.aead.XChaCha20Poly1305Parameters;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A Tink keyset for the encryption layer, checked to hold only AES-256-GCM and XChaCha20-Poly1305 keys. The
 * primary key encrypts; every key in the set decrypts, so rotating means adding a new primary and keeping the
 * old keys until no blob needs them ({@link #rotate}). {@link #toString()} never shows key material.
 */
public final class EncryptionKeyset {
    /** The key types a keyset may hold, by the name {@link KeysetTool} accepts. */
    public enum KeyType {
        AES256_GCM("aes256-gcm", PredefinedAeadParameters.AES256_GCM),
        XCHACHA20_POLY1305("xchacha20-poly1305", PredefinedAeadParameters.XCHACHA20_POLY1305);

        private final String cliName;
        private final Parameters parameters;

        KeyType(String cliName, Parameters parameters) {
            this.cliName = cliName;
            this.parameters = parameters;
        }

        public String cliName() {
            return cliName;
        }

        public static KeyType forCliName(String name) {
            return Arrays.stream(values()).filter(type -> type.cliName.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown key type '" + name + "'; use one of "
                            + Arrays.stream(values()).map(KeyType::cliName).toList()));
        }
    }

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KeysetHandle handle;
    private final Aead aead;

    private EncryptionKeyset(KeysetHandle handle) throws GeneralSecurityException {
        for (int i = 0; i < handle.size(); i++) {
            Parameters parameters = handle.getAt(i).getKey().getParameters();
            if (!isAllowed(parameters)) {
                throw new IllegalArgumentException("key id " + Integer.toUnsignedString(handle.getAt(i).getId())
                        + " is a " + parameters.getClass().getSimpleName().replace("Parameters", "")
                        + " key; the keyset may hold only AES-256-GCM and XChaCha20-Poly1305 keys");
            }
        }
        this.handle = handle;
        this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    /**
     * Parses a cleartext Tink JSON keyset.
     *
     * @throws IllegalArgumentException if it is not one, or holds a key of another type; the message never
     *     quotes the keyset
     */
    public static EncryptionKeyset parse(String json) {
        requireNonNull(json, "json");
        KeysetHandle handle;
        try {
            handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            // No cause attached: parser messages may quote the secret input.
            throw new IllegalArgumentException("not a cleartext Tink JSON keyset; create one with "
                    + KeysetTool.class.getName() + " new aes256-gcm");
        }
        try {
            return new EncryptionKeyset(handle);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the keyset has no usable primary AEAD key: " + e.getMessage());
        }
    }

    /** A new keyset with one key of {@code type}. */
    public static EncryptionKeyset generate(KeyType type) {
        try {
            return new EncryptionKeyset(KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.generateEntryFromParameters(type.parameters).withRandomId().makePrimary())
                    .build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate a " + type.cliName + " key", e);
        }
    }

    /** This keyset plus a new primary key of {@code type}; the old keys stay, so old blobs still decrypt. */
    public EncryptionKeyset rotate(KeyType type) {
        try {
            return new EncryptionKeyset(KeysetHandle.newBuilder(handle)
                    .addEntry(KeysetHandle.generateEntryFromParameters(type.parameters).withRandomId().makePrimary())
                    .build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not add a " + type.cliName + " key", e);
        }
    }

    /** The keyset as cleartext Tink JSON: a secret, to be kept as carefully as the data it protects. */
    public String toJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not serialize the keyset", e);
        }
    }

    Aead aead() {
        return aead;
    }

    /** The ids of the keys in this set, the primary's first. */
    public List<Integer> keyIds() {
        int primary = handle.getPrimary().getId();
        return IntStream.concat(IntStream.of(primary),
                        IntStream.range(0, handle.size()).map(i -> handle.getAt(i).getId()).filter(id -> id != primary))
                .boxed()
                .toList();
    }

    /**
     * The id a ciphertext names in its Tink prefix, if it has one and no key of this set carries that prefix:
     * the ciphertext was then made with a key this set lacks.
     */
    Optional<Integer> foreignKeyId(byte[] ciphertext) {
        // Tink prefixes are 5 bytes: 0x01 (TINK) or 0x00 (LEGACY, CRUNCHY), then the key id, big-endian.
        if (ciphertext.length < 5 || (ciphertext[0] != 0x01 && ciphertext[0] != 0x00)) {
            return Optional.empty();
        }
        for (int i = 0; i < handle.size(); i++) {
            byte[] prefix = ((AeadKey) handle.getAt(i).getKey()).getOutputPrefix().toByteArray();
            if (prefix.length == 0 || Arrays.equals(ciphertext, 0, prefix.length, prefix, 0, prefix.length)) {
                return Optional.empty(); // a raw key could have made it, or a key of ours did
            }
        }
        return Optional.of(((ciphertext[1] & 0xff) << 24) | ((ciphertext[2] & 0xff) << 16)
                | ((ciphertext[3] & 0xff) << 8) | (ciphertext[4] & 0xff));
    }

    private static boolean isAllowed(Parameters parameters) {
        return parameters instanceof AesGcmParameters gcm && gcm.getKeySizeBytes() == 32
                || parameters instanceof XChaCha20Poly1305Parameters;
    }

    @Override
    public String toString() {
        return "EncryptionKeyset[key ids " + keyIds().stream().map(Integer::toUnsignedString).toList()
                + ", primary first]";
    }
}
