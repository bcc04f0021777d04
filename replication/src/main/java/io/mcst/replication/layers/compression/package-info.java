/**
 * A layer that compresses values (zstd or gzip) above replication, so a value is compressed once before it
 * fans out. Each blob starts with a header naming its codec, so stored data stays readable when the
 * configured codec changes: keep old headers decodable. Guarded by {@code CompressingStoreTest} and
 * {@code GzipCompressingStoreTest} (the contract and byte-exact round trips).
 */
package io.mcst.replication.layers.compression;
