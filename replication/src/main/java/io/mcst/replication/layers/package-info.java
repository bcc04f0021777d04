/**
 * The store layers, one package each: every layer is a {@code KeyValueStore} wrapping another, switchable by
 * configuration and invisible to the caller. {@link io.mcst.replication.layers.ValueTransformingStore} is the
 * base of the layers above replication that transform values (compression, encryption) while keeping fenced
 * writes intact.
 */
package io.mcst.replication.layers;
