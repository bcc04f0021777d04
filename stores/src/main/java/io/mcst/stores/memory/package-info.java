/**
 * An in-process store, values copied in and out: for tests, the benchmarks and the {@code memory} store
 * type (which shares one per name across stacks), never for an archive that must outlive the JVM. Free to
 * change while {@code MemoryStoreTest} (the contract) passes.
 */
package io.mcst.stores.memory;
