package io.mcst.replication.layers.metrics;

import java.util.Locale;

/**
 * Where a {@link MeteredStore} records the calls to its one store. The layer only measures; what keeps and
 * publishes the figures (Kafka's metrics and JMX, in a connector) implements this. The metered store closes
 * it when it closes.
 */
public interface StoreMetrics extends AutoCloseable {
    /** Operations that are metered, named as the metrics are: {@code put-total}, {@code get-latency-p99}, ... */
    enum Op {
        PUT, GET, REMOVE, LIST;

        /** The lower-case name that prefixes this operation's metrics. */
        public String metricPrefix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A call that returned after {@code elapsedNanos}, moving {@code valueBytes} of values (put and get only). */
    void recordSuccess(Op op, long elapsedNanos, long valueBytes);

    /** A call that failed with a {@link io.mcst.stores.StoreException} after {@code elapsedNanos}. */
    void recordFailure(Op op, long elapsedNanos);

    /**
     * The store is up ({@code true}: its calls succeed) or down, as {@link io.mcst.replication.layers.health.StoreHealth}
     * decides; up until told otherwise.
     */
    void recordUp(boolean up);

    /** The store is closed: nothing more is recorded. */
    @Override
    void close();
}
