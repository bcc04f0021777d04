/**
 * A layer that tells an operator which base stores answer: one line when a store goes down, one when it is
 * back, each saying what it means for the quorum, and a signal per store for a metric; per-call failures
 * only at DEBUG. {@code StoreHealthTest} guards the lines and the signals.
 */
package io.mcst.replication.layers.health;
