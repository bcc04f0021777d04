/**
 * A layer that retries {@link io.mcst.stores.StoreUnavailableException} with capped exponential backoff and
 * full jitter, right on each base store; anything else (refused, corrupt, a caller's mistake) passes at
 * once, so a corrupt answer is outvoted, never retried. Guarded by {@code RetryingStoreTest}, which also
 * rides out a throttling S3.
 */
package io.mcst.replication.layers.retry;
