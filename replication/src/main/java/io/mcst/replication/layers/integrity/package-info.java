/**
 * A layer that checksums each value (SHA-256) below replication, one per base store, so a corrupt replica
 * is one failed answer of the quorum ({@link io.mcst.stores.StoreCorruptionException}) and gets repaired.
 * Guarded by {@code ChecksummingStoreTest} and, for its place in the stack,
 * {@code IntegrityBelowReplicationTest}.
 */
package io.mcst.replication.layers.integrity;
