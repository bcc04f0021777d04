package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The connectors on a real KRaft broker and Connect worker in this JVM ({@link EmbeddedConnectCluster}),
 * writing to modeled stores: archive rate of the sink against a bare consumer draining the same topic,
 * with one store, three, and three with one stalled; replay rate of the source against a bare producer
 * writing the same records; the sink's heap with 10 and with 1,000 partitions.
 *
 * <p>Rates are taken from the first record handled to the last, so the fixed start-up of a consumer group
 * or a connector is left out of both sides. The sink's end is when Connect committed the last offset
 * (offsets commit every {@value #OFFSET_FLUSH_MS} ms, which the sink's figure therefore may carry).
 */
final class EndToEndBenchmarks {
    static final String SINK_CONNECTOR = "io.mcst.connector.sink.MultiCloudSinkConnector";
    static final String SOURCE_CONNECTOR = "io.mcst.connector.source.MultiCloudSourceConnector";
    private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";
    private static final long OFFSET_FLUSH_MS = 500;
    /** The targets are stated for 6 partitions, as the end-to-end run on real processes uses. */
    private static final int PARTITIONS = 6;
    private static final int VALUE_BYTES = 1024;
    private static final String TOPIC = "events";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    /** 100 MiB of values: more than the sink's default max.buffered.bytes (64 MiB), so the bound is reached. */
    private static final long HEAP_RECORDS = 100_000;

    private final BenchSettings settings;
    private final ResultsTable table;
    private final long records;

    EndToEndBenchmarks(BenchSettings settings, ResultsTable table) {
        this.settings = requireNonNull(settings, "settings");
        this.table = requireNonNull(table, "table");
        this.records = settings.quick() ? 20_000 : 200_000;
    }

    void run() {
        if (!onClasspath(SINK_CONNECTOR)) {
            table.note("End to end: not measured, the sink connector (" + SINK_CONNECTOR + ") is not in this build.");
            return;
        }
        Map<String, String> workerProps = new HashMap<>(); // mutable: the builder adds to it
        workerProps.put("listeners", "http://127.0.0.1:0");
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", Long.toString(OFFSET_FLUSH_MS));
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder()
                .name("mcst-bench").numWorkers(1).numBrokers(1).workerProps(workerProps).build();
        connect.start();
        try (ConnectRuns runs = new ConnectRuns(connect)) {
            KafkaTraffic kafka = new KafkaTraffic(connect.kafka());
            kafka.createTopic(TOPIC, PARTITIONS);
            // Baselines warmed up like the connectors' later runs: a smaller topic produced first, the best of
            // three reads after the one that digests the topic.
            kafka.createTopic(TOPIC + "-warmup", PARTITIONS);
            kafka.produce(TOPIC + "-warmup", PARTITIONS, records / 4, VALUE_BYTES);
            KafkaTraffic.Rate produced = kafka.produce(TOPIC, PARTITIONS, records, VALUE_BYTES);
            Map<Integer, String> digests = kafka.digests(TOPIC, records);
            KafkaTraffic.Rate consumed = kafka.consumeRate(TOPIC, records, 3);
            SinkRun archived = archive(runs, consumed);
            replay(connect, runs, kafka, produced, digests, archived);
            heap(connect, runs, kafka);
        } finally {
            connect.stop();
            BenchStores.clear();
        }
    }

    /** Archives the topic with one store, three with one stalled, then three healthy; returns the last run. */
    private SinkRun archive(ConnectRuns runs, KafkaTraffic.Rate consumer) {
        String section = "End to end: archive " + records + " records of 1 KiB, " + PARTITIONS + " partitions (sink)";
        BenchStores.clear();
        SinkRun warmup = sink(runs, "warmup", 3, false); // so that the JIT favours none of the measured runs
        table.note("sink run 'warmup' (not measured): " + (warmup.complete() ? "complete" : warmup.progress().problem()));
        BenchStores.clear();
        SinkRun one = sink(runs, "one", 1, false);
        BenchStores.clear();
        SinkRun stalled = sink(runs, "stalled", 3, true);
        BenchStores.clear();
        SinkRun three = sink(runs, "three", 3, false); // its archive stays for the replay
        ConnectRuns.Progress discarded = discard(runs);
        for (SinkRun run : List.of(one, stalled, three)) {
            if (!run.complete()) {
                table.note(section + ", " + run.label() + ": not measured: " + run.progress().problem());
            }
        }
        table.add(section, "archive rate, sink over 3 stores (atomic)", three.rate(), "records/s",
                "bare KafkaConsumer", consumer.perSecond(), ">= 0.7x", three.rate() / consumer.perSecond() >= 0.7);
        table.add(section, "archive rate, sink over 3 stores (atomic)", three.rate(), "records/s",
                "sink over 1 store", one.rate(), ">= 0.9x", three.rate() / one.rate() >= 0.9);
        table.add(section, "archive rate, sink over 1 store", one.rate(), "records/s",
                "bare KafkaConsumer", consumer.perSecond());
        if (discarded.complete()) {
            // From connector creation to the last offset committed for both: the figure a user sees.
            table.add(section, "archive rate from connector start, sink over 3 stores", three.rateFromStart(), "records/s",
                    "Connect sink that discards", rateFromStart(discarded));
        } else {
            table.note(section + ", discarding sink: not measured: " + discarded.problem());
        }
        table.add(section, "archive rate, 3 stores, one stalled", stalled.rate(), "records/s",
                "3 stores healthy", three.rate(), ">= 0.9x", stalled.rate() / three.rate() >= 0.9);
        // No pause over a second: uploads to a live store never stand still that long while one store is
        // stalled. The healthy run's longest pause is the baseline: a sink that uploads in bursts (partitions
        // filling their segments together) pauses between bursts even when every store answers.
        table.add(section, "longest upload pause at a live store, one stalled", stalled.longestPauseMillis(), "ms",
                "3 stores healthy", three.longestPauseMillis(), "< 1000 ms", stalled.longestPauseMillis() < 1000);
        return three;
    }

    /** One archive run of the sink: stores {@code <label>-0..n-1}, archive prefix {@code <label>}. */
    private record SinkRun(String label, ConnectRuns.Progress progress, long firstPutNanos, long longestPauseNanos) {
        boolean complete() {
            return progress.complete();
        }

        /** Records per second from the first segment upload to the last committed offset. */
        double rate() {
            if (!complete() || firstPutNanos == 0) {
                return Double.NaN;
            }
            return progress.reached() / ((progress.doneNanos() - firstPutNanos) / 1e9);
        }

        double rateFromStart() {
            return complete() ? EndToEndBenchmarks.rateFromStart(progress) : Double.NaN;
        }

        double longestPauseMillis() {
            return complete() ? longestPauseNanos / 1e6 : Double.NaN;
        }
    }

    private static double rateFromStart(ConnectRuns.Progress progress) {
        return progress.reached() / (progress.elapsed().toNanos() / 1e9);
    }

    /**
     * Consumes the topic with a sink that drops every record: Connect's own cost (consumer, conversion, offset
     * commits), the ceiling of any sink in this worker.
     */
    private ConnectRuns.Progress discard(ConnectRuns runs) {
        Map<String, String> config = connector(DiscardingSinkConnector.class.getName(), Map.of());
        config.put("topics", TOPIC);
        return runs.run("discard", config, () -> runs.committed("discard"), records, RUN_TIMEOUT, sinceStart -> { });
    }

    /** A one-task connector of {@code connectorClass} that moves bytes as Kafka holds them, with {@code settings}. */
    private static Map<String, String> connector(String connectorClass, Map<String, String> settings) {
        Map<String, String> config = new HashMap<>(settings);
        config.put("connector.class", connectorClass);
        config.put("tasks.max", "1");
        config.put("key.converter", BYTES);
        config.put("value.converter", BYTES);
        config.put("header.converter", BYTES);
        return config;
    }

    private SinkRun sink(ConnectRuns runs, String label, int n, boolean stallLast) {
        double[] latency = Stacks.uniform(n, 1.0);
        Map<String, String> config = sinkConfig(label, TOPIC, Stacks.replicated(label, "atomic", latency));
        List<String> stores = Stacks.storeNames(label, n);
        if (stallLast) {
            BenchStores.stall(stores.get(n - 1));
        }
        long gcBefore = gcMillis();
        ConnectRuns.Progress progress = runs.run("sink-" + label, config, () -> runs.committed("sink-" + label),
                records, RUN_TIMEOUT, sinceStart -> { });
        long gc = gcMillis() - gcBefore;
        StoreTraffic live = BenchStores.traffic(stores.get(0));
        if (stallLast) {
            BenchStores.heal(stores.get(n - 1));
        }
        // broker, worker and stores share this JVM: GC time explains pauses no store caused
        table.note("sink run '" + label + "': " + progress.elapsed().toMillis() + " ms from connector start to the last "
                + "offset committed; this JVM spent " + gc + " ms in garbage collection meanwhile");
        return new SinkRun(label, progress, live.firstPutNanos(), live.longestPutGapNanos());
    }

    private Map<String, String> sinkConfig(String label, String topic, Map<String, String> storage) {
        Map<String, String> config = connector(SINK_CONNECTOR, storage);
        config.put("topics", topic);
        config.put("format", "envelope");
        config.put("archive.prefix", label);
        // flush.size and max.buffered.bytes stay at their defaults (10,000 records, 64 MiB): what users run.
        // Segments still open after a second are written, so the last, partial ones do not wait a minute.
        config.put("rotate.schedule.interval.ms", "1000");
        return config;
    }

    /** Replays the archive of the healthy three-store run into {@code <topic>-restored} and compares. */
    private void replay(EmbeddedConnectCluster connect, ConnectRuns runs, KafkaTraffic kafka, KafkaTraffic.Rate producer,
            Map<Integer, String> original, SinkRun archived) {
        String section = "End to end: replay " + records + " records from 3 stores (source)";
        if (!onClasspath(SOURCE_CONNECTOR)) {
            table.note(section + ": not measured, the source connector (" + SOURCE_CONNECTOR + ") is not in this build.");
            return;
        }
        if (!archived.complete()) {
            table.note(section + ": not measured, the archive could not be written: " + archived.progress().problem());
            return;
        }
        String target = TOPIC + "-restored";
        kafka.createTopic(target, PARTITIONS);
        Map<String, String> config = connector(SOURCE_CONNECTOR,
                Stacks.replicated("three", "atomic", Stacks.uniform(3, 1.0)));
        config.put("archive.topics", TOPIC);
        config.put("archive.prefix", "three");
        config.put("topic.rename.format", "${topic}-restored");
        config.put("target.cluster.bootstrap.servers", connect.kafka().bootstrapServers());
        long[] firstRecord = {0};
        ConnectRuns.Progress progress = runs.run("source", config, () -> {
            long visible = runs.records(target, PARTITIONS);
            if (visible > 0 && firstRecord[0] == 0) {
                firstRecord[0] = System.nanoTime();
            }
            return visible;
        }, records, RUN_TIMEOUT, sinceStart -> { });
        if (!progress.complete()) {
            table.note(section + ": not measured: " + progress.problem());
            return;
        }
        double rate = progress.reached() / ((progress.doneNanos() - firstRecord[0]) / 1e9);
        table.add(section, "replay rate, source from 3 stores (atomic)", rate, "records/s",
                "bare KafkaProducer", producer.perSecond(), ">= 0.7x", rate / producer.perSecond() >= 0.7);
        Map<Integer, String> restored = kafka.digests(target, records);
        long identical = original.entrySet().stream()
                .filter(e -> Objects.equals(e.getValue(), restored.get(e.getKey()))).count();
        table.add(section, "partitions byte-identical to the original (SHA-256)", identical, "partitions",
                "partitions", PARTITIONS, "all", identical == PARTITIONS);
        BenchStores.clear();
    }

    /**
     * Heap the sink holds with 10 and with 1,000 partitions of the same records: the most heap in use after
     * a full GC, minus the heap in use before it started, sampled every second once the buffers reached the
     * memory bound. Segments rotate only under that bound here (flush.size and the schedule are off), so
     * the first upload marks it. Its stores keep nothing and add no latency, so the figure is the sink's
     * (buffers, uploads, per-partition state) and the worker consumer's. Measured twice: with Kafka's consumer
     * defaults, where the consumer prefetches up to {@code max.partition.fetch.bytes} (1 MiB) for every
     * partition, which no sink controls; and with that prefetch cut to 4 KiB, which leaves the sink's own heap.
     */
    private void heap(EmbeddedConnectCluster connect, ConnectRuns runs, KafkaTraffic kafka) {
        String section = "Sink heap, " + HEAP_RECORDS + " records of 1 KiB to archive (3 stores, default 64 MiB bound)";
        int[] partitionCounts = {10, 1000};
        for (int partitions : partitionCounts) {
            String topic = "heap-" + partitions;
            kafka.createTopic(topic, partitions);
            kafka.produce(topic, partitions, HEAP_RECORDS, VALUE_BYTES);
        }
        for (boolean prefetchCut : new boolean[] {false, true}) {
            double[] heaps = new double[2];
            for (int i = 0; i < partitionCounts.length; i++) {
                heaps[i] = sinkHeapMiB(runs, section, partitionCounts[i], prefetchCut);
            }
            if (prefetchCut) {
                table.add(section, "sink heap, 1000 partitions, consumer prefetch 4 KiB per partition", heaps[1], "MiB",
                        "10 partitions", heaps[0], "flat (<= 1.1x)", heaps[1] / heaps[0] <= 1.1);
            } else {
                table.add(section, "sink heap, 1000 partitions, consumer defaults (1 MiB prefetch per partition)",
                        heaps[1], "MiB", "10 partitions", heaps[0]);
            }
        }
    }

    /** One run of {@link #heap}: max heap after GC minus idle, in MiB, or NaN if the run did not complete. */
    private double sinkHeapMiB(ConnectRuns runs, String section, int partitions, boolean prefetchCut) {
        int samplesWanted = settings.quick() ? 3 : 6;
        String label = "heap" + partitions + (prefetchCut ? "cut" : "");
        List<String> stores = Stacks.storeNames(label, 3);
        Map<String, String> storage = Stacks.replicated(label, "atomic", Stacks.uniform(3, 0.0));
        stores.forEach(name -> storage.put("store." + name + "." + ModeledStoreType.DISCARD_CONFIG, "true"));
        Map<String, String> config = sinkConfig(label, "heap-" + partitions, storage);
        config.put("flush.size", Integer.toString(Integer.MAX_VALUE));
        config.put("rotate.schedule.interval.ms", "-1");
        if (prefetchCut) {
            config.put("consumer.override.max.partition.fetch.bytes", "4096");
        }
        StoreTraffic uploads = BenchStores.traffic(stores.get(0));
        // The previous connector's tasks stop a little after its deletion returned, with their buffers.
        ConnectRuns.sleep(Duration.ofSeconds(3));
        long idle = usedHeapAfterGc();
        long[] peak = {idle};
        long[] lastSample = {0};
        int[] samples = {0};
        ConnectRuns.Progress progress = runs.run("sink-" + label, config, () -> samples[0], samplesWanted,
                RUN_TIMEOUT, sinceStart -> {
                    long now = System.nanoTime();
                    if (uploads.firstPutNanos() != 0 && now - lastSample[0] >= 1_000_000_000L) {
                        peak[0] = Math.max(peak[0], usedHeapAfterGc());
                        samples[0]++;
                        lastSample[0] = now;
                    }
                });
        BenchStores.clear();
        if (!progress.complete()) {
            table.note(section + ", " + label + ": not measured: " + progress.problem());
            return Double.NaN;
        }
        return (peak[0] - idle) / (1024.0 * 1024.0);
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, EndToEndBenchmarks.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
