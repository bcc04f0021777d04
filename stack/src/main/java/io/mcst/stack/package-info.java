/**
 * Everything Kafka-facing about a store stack: {@link io.mcst.stack.StackConfig} (the {@code stores},
 * {@code store.<name>.*}, {@code replication.*} and {@code layers} keys, as Connect validates them),
 * {@link io.mcst.stack.StoreType} (one per kind of base store, each with its {@code ConfigDef}, found through
 * {@code META-INF/services/io.mcst.stack.StoreType}: a deployment adds a cloud by adding one), and
 * {@link io.mcst.stack.StoreStack}, which builds the layers, replication and base stores from one
 * configuration. {@link io.mcst.stack.KafkaStoreMetrics} publishes the metrics layer's figures over JMX,
 * tagged with a {@link io.mcst.stack.MetricsScope}.
 *
 * <p>Key names, defaults and error messages are what users configure: {@code StackConfigTest},
 * {@code StoreStackTest} and {@code CloudStoreTypesTest} must stay green, and docs/configuration.md is
 * regenerated from the ConfigDefs (its check fails when they drift). The order of layers in a stack is
 * checked by {@code LayeredStackTest} and the full stacks ({@code FullStackTest},
 * {@code ErasureCodedFullStackTest}); metric names and tags by {@code KafkaStoreMetricsTest}.
 */
package io.mcst.stack;
