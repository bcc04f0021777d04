/**
 * A layer that encrypts values with a Tink AEAD keyset (AES-256-GCM or XChaCha20-Poly1305), the logical key
 * as associated data, so each cloud sees only ciphertext and a blob moved to another key fails to decrypt.
 * {@link io.mcst.replication.layers.encryption.KeysetTool} makes and rotates keysets. The ciphertext format
 * is what archives hold: keep old keysets decrypting ({@code EncryptingStoreTest}, {@code KeysetToolTest}).
 */
package io.mcst.replication.layers.encryption;
