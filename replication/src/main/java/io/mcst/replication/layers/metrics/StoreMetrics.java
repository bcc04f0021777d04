package io.mcst.replication.layers.metrics;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Meter;
import org.apache.kafka.common.metrics.stats.Percentile;
import org.apache.kafka.common.metrics.stats.Percentiles;
import org.apache.kafka.common.metrics.stats.WindowedCount;
import org.apache.kafka.common.utils.Time;

/**
 * The sensors of one store name, registered with Kafka's metrics library and exported over JMX as
 * {@code io.mcst:type=store-metrics,store=<name>}, next to Connect's own MBeans. Every stack in the JVM that
 * opens a store of the same name shares its sensors (all tasks of a connector count towards one cloud's
 * health); the sensors go when the last of those stores closes.
 */
final class StoreMetrics {
    static final String JMX_DOMAIN = "io.mcst";
    static final String GROUP = "store-metrics";

    /** Operations that are metered, named as the metrics are: {@code put-total}, {@code get-latency-p99}, ... */
    enum Op {
        PUT, GET, REMOVE, LIST;

        final String metricPrefix = name().toLowerCase(Locale.ROOT);
    }

    /** Latencies above this land in the top bucket of the histogram; a store call this slow is broken anyway. */
    private static final double MAX_LATENCY_MS = 60_000;
    /** 1,000 linear buckets: fine resolution (~0.1 ms) at the low end, where healthy calls are. */
    private static final int HISTOGRAM_BYTES = 4_000;

    private static final Metrics METRICS = new Metrics(
            new MetricConfig(), List.of(new JmxReporter()), Time.SYSTEM, new KafkaMetricsContext(JMX_DOMAIN));
    /** Guarded by the class lock. */
    private static final Map<String, StoreMetrics> OPEN = new HashMap<>();

    private final String store;
    private final Map<Op, Sensor> calls = new EnumMap<>(Op.class);
    private final Map<Op, Sensor> errors = new EnumMap<>(Op.class);
    private final Map<Op, Sensor> bytes = new EnumMap<>(Op.class);
    private int users;

    private StoreMetrics(String store) {
        this.store = store;
        for (Op op : Op.values()) {
            String p = op.metricPrefix;
            Sensor call = METRICS.sensor(sensorName(op, "calls"));
            call.add(new Meter(new WindowedCount(), name(p + "-rate", "calls per second"), name(p + "-total", "calls")));
            call.add(name(p + "-latency-avg", "mean latency in ms"), new Avg());
            call.add(name(p + "-latency-max", "largest latency in ms"), new Max());
            call.add(new Percentiles(HISTOGRAM_BYTES, 0, MAX_LATENCY_MS, Percentiles.BucketSizing.LINEAR,
                    new Percentile(name(p + "-latency-p50", "median latency in ms"), 50),
                    new Percentile(name(p + "-latency-p99", "99th percentile latency in ms"), 99),
                    new Percentile(name(p + "-latency-p999", "99.9th percentile latency in ms"), 99.9)));
            calls.put(op, call);
            Sensor error = METRICS.sensor(sensorName(op, "errors"));
            error.add(new Meter(new WindowedCount(), name(p + "-error-rate", "failed calls per second"), name(p + "-error-total", "failed calls")));
            errors.put(op, error);
        }
        for (Op op : List.of(Op.PUT, Op.GET)) {
            String p = op.metricPrefix;
            String direction = op == Op.PUT ? "sent to" : "received from";
            Sensor sensor = METRICS.sensor(sensorName(op, "bytes"));
            sensor.add(new Meter(name(p + "-bytes-rate", "value bytes per second " + direction + " the store"),
                    name(p + "-bytes-total", "value bytes " + direction + " the store")));
            bytes.put(op, sensor);
        }
    }

    /** The sensors of {@code store}, created on first use; {@link #release()} once per call. */
    static synchronized StoreMetrics acquire(String store) {
        StoreMetrics metrics = OPEN.computeIfAbsent(store, StoreMetrics::new);
        metrics.users++;
        return metrics;
    }

    void release() {
        synchronized (StoreMetrics.class) {
            if (--users == 0) {
                OPEN.remove(store);
                for (Op op : Op.values()) {
                    METRICS.removeSensor(sensorName(op, "calls"));
                    METRICS.removeSensor(sensorName(op, "errors"));
                    METRICS.removeSensor(sensorName(op, "bytes"));
                }
            }
        }
    }

    void recordSuccess(Op op, long startNanos, long valueBytes) {
        calls.get(op).record((System.nanoTime() - startNanos) / 1e6);
        if (bytes.containsKey(op)) {
            bytes.get(op).record(valueBytes);
        }
    }

    void recordFailure(Op op, long startNanos) {
        calls.get(op).record((System.nanoTime() - startNanos) / 1e6);
        errors.get(op).record();
    }

    private MetricName name(String metric, String description) {
        return METRICS.metricName(metric, GROUP, description + " of store " + store, Map.of("store", store));
    }

    private String sensorName(Op op, String what) {
        return GROUP + ":" + store + ":" + op.metricPrefix + "-" + what;
    }
}
