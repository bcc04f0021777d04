/**
 * The store SPI: {@link io.mcst.stores.KeyValueStore} (put, get, remove, list, close over non-empty UTF-8
 * keys), its typed errors ({@link io.mcst.stores.StoreUnavailableException} retriable,
 * {@link io.mcst.stores.StoreCorruptionException}, {@link io.mcst.stores.StoreException} the rest), and what
 * adapters and layers share: {@link io.mcst.stores.StoreKeys}, {@link io.mcst.stores.ObjectNames},
 * {@link io.mcst.stores.CloseGuard}, {@link io.mcst.stores.ForwardingKeyValueStore},
 * {@link io.mcst.stores.StoreFailures}. Kafka-free, and free of cloud SDKs outside the adapter packages.
 *
 * <p>Changing the SPI's contract changes every adapter and layer: {@code AbstractKeyValueStoreTest} (in the
 * test-jar, run by every adapter's and layer's test) states it and must stay green for all of them.
 * {@link io.mcst.stores.ObjectNames} fixes how keys are named in every cloud: changing its encoding orphans
 * existing archives ({@code ObjectNamesTest}). Helpers may change freely while those suites pass.
 */
package io.mcst.stores;
