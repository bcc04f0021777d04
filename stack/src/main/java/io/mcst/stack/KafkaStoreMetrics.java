package io.mcst.stack;

import io.mcst.replication.layers.metrics.StoreMetrics;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
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
 * The sensors of one store in one {@link MetricsScope}, registered with Kafka's metrics library and exported
 * over JMX, next to Connect's own MBeans, as
 * {@code io.mcst:type=store-metrics,connector=<connector>,task=<task>,store=<store>}: calls and failures
 * (rate and total), latency (mean, max, p50/p99/p99.9) and value bytes sent and received, per operation, with
 * attributes such as {@code put-total}, {@code get-error-total}, {@code get-latency-p99},
 * {@code put-bytes-total}; and {@code up}, 1 while the store's calls succeed and 0 once it is down (see
 * {@link io.mcst.replication.layers.health.StoreHealth}). Stacks opened in the same scope with the same store name share the sensors; they
 * go when the last of those stores closes.
 */
final class KafkaStoreMetrics implements StoreMetrics {
    static final String JMX_DOMAIN = "io.mcst";
    static final String GROUP = "store-metrics";

    /** Latencies above this land in the top bucket of the histogram; a store call this slow is broken anyway. */
    private static final double MAX_LATENCY_MS = 60_000;
    /** 1,000 linear buckets: fine resolution (~0.1 ms) at the low end, where healthy calls are. */
    private static final int HISTOGRAM_BYTES = 4_000;

    private static final Metrics METRICS = new Metrics(
            new MetricConfig(), List.of(new JmxReporter()), Time.SYSTEM, new KafkaMetricsContext(JMX_DOMAIN));
    /** The sensors in use, by their tags; guarded by the class lock. */
    private static final Map<Map<String, String>, Sensors> OPEN = new HashMap<>();

    private final Sensors sensors;

    private KafkaStoreMetrics(Sensors sensors) {
        this.sensors = sensors;
    }

    /** The metrics of {@code store} opened in {@code scope}; {@link #close()} exactly once per call. */
    static KafkaStoreMetrics open(MetricsScope scope, String store) {
        Map<String, String> tags = scope.tags(store);
        synchronized (KafkaStoreMetrics.class) {
            Sensors sensors = OPEN.computeIfAbsent(tags, Sensors::new);
            sensors.users++;
            return new KafkaStoreMetrics(sensors);
        }
    }

    @Override
    public void recordSuccess(Op op, long elapsedNanos, long valueBytes) {
        sensors.calls.get(op).record(elapsedNanos / 1e6);
        Sensor bytes = sensors.bytes.get(op);
        if (bytes != null) {
            bytes.record(valueBytes);
        }
    }

    @Override
    public void recordFailure(Op op, long elapsedNanos) {
        sensors.calls.get(op).record(elapsedNanos / 1e6);
        sensors.errors.get(op).record();
    }

    @Override
    public void recordUp(boolean up) {
        sensors.up = up;
    }

    @Override
    public void close() {
        synchronized (KafkaStoreMetrics.class) {
            if (--sensors.users == 0) {
                OPEN.remove(sensors.tags);
                sensors.remove();
            }
        }
    }

    /** The sensors registered for one set of tags, and how many open stores use them (class lock). */
    private static final class Sensors {
        final Map<String, String> tags;
        final Map<Op, Sensor> calls = new EnumMap<>(Op.class);
        final Map<Op, Sensor> errors = new EnumMap<>(Op.class);
        final Map<Op, Sensor> bytes = new EnumMap<>(Op.class);
        /** A unique prefix of this set's sensor names, e.g. {@code store-metrics:connector=c,task=0,store=aws}. */
        private final String sensorPrefix;
        int users;
        /** What the {@code up} gauge reads; the last stack to tell wins when stacks share these sensors. */
        volatile boolean up = true;
        private final MetricName upName;

        Sensors(Map<String, String> tags) {
            this.tags = tags;
            this.sensorPrefix = GROUP + ":" + tags.entrySet().stream()
                    .map(tag -> tag.getKey() + "=" + tag.getValue())
                    .collect(Collectors.joining(","));
            for (Op op : Op.values()) {
                String p = op.metricPrefix();
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
                String p = op.metricPrefix();
                String direction = op == Op.PUT ? "sent to" : "received from";
                Sensor sensor = METRICS.sensor(sensorName(op, "bytes"));
                sensor.add(new Meter(name(p + "-bytes-rate", "value bytes per second " + direction + " the store"),
                        name(p + "-bytes-total", "value bytes " + direction + " the store")));
                bytes.put(op, sensor);
            }
            upName = name("up", "1 while the calls succeed, 0 once the store is down");
            METRICS.addMetric(upName, (Gauge<Integer>) (config, now) -> up ? 1 : 0);
        }

        void remove() {
            for (Op op : Op.values()) {
                METRICS.removeSensor(sensorName(op, "calls"));
                METRICS.removeSensor(sensorName(op, "errors"));
                METRICS.removeSensor(sensorName(op, "bytes"));
            }
            METRICS.removeMetric(upName);
        }

        private MetricName name(String metric, String description) {
            return METRICS.metricName(metric, GROUP, description + " of store " + tags.get("store"), tags);
        }

        private String sensorName(Op op, String what) {
            return sensorPrefix + ":" + op.metricPrefix() + "-" + what;
        }
    }
}
