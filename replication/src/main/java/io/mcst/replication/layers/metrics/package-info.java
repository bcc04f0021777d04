/**
 * A layer that measures every call to one base store (latency, failures, value bytes, per operation) into a
 * {@link io.mcst.replication.layers.metrics.StoreMetrics}. Kafka-free: the stack module publishes the
 * figures with Kafka's metrics and JMX. Free to change while {@code MeteredStoreTest} passes; the metric
 * names users watch are fixed in the stack module ({@code KafkaStoreMetricsTest}).
 */
package io.mcst.replication.layers.metrics;
