package io.mcst.demo;

import io.mcst.stores.azure.AzuriteServer;
import io.mcst.stores.s3.S3ProxyServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The end-to-end benchmark, without a latency model: the demo's real local processes (a KRaft broker, a
 * distributed Connect worker with the plugin archive on plugin.path, S3Proxy, Azurite and a directory as three
 * clouds, atomic) and, in the same run, the bare clients they are compared with:
 * <ol>
 *   <li>a bare {@link KafkaProducer} (default settings: acks=all, idempotent) writes N records of 1 KiB over 6
 *       partitions, timed from its first send to its flush;</li>
 *   <li>a bare {@link KafkaConsumer} (default settings) reads them all, timed from its creation to the last record;</li>
 *   <li>the sink archives the topic ({@code tasks.max=2}, {@code flush.size=3000}), timed from the connector's
 *       creation to the last offset committed (Connect commits only what the stores acknowledged);</li>
 *   <li>the source replays the archive into another topic ({@code tasks.max=2}), timed from the connector's
 *       creation to the last record in that topic; both topics are then compared byte for byte.</li>
 * </ol>
 * Each connector's phase is profiled ({@link WorkerProfile}). Ratios compare rates: ours / the bare client's.
 *
 * <p>Arguments: {@code --records N} (default 500,000), {@code --dir PATH} (state and logs, emptied first),
 * {@code --out PATH} (also write the report there). System properties {@code mcst.plugin.archive} and
 * {@code mcst.worker.classpath}, as for the demo. Run by Maven: see benchmarks/README.md.
 */
public final class EndToEndBenchmark {
    private static final String TOPIC = "bench";
    private static final String RESTORED = TOPIC + "-restored";
    private static final int PARTITIONS = 6;
    private static final int VALUE_BYTES = 1024;
    private static final int TASKS = 2;
    private static final int FLUSH_SIZE = 3000;
    private static final String SINK = "bench-archive";
    private static final String SOURCE = "bench-replay";
    /** How often the worker commits sink offsets: the sink's time to "all committed" may carry up to this much. */
    private static final String OFFSET_FLUSH_MS = "500";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(20);
    private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private final long records;
    private final Path state;
    private final List<String> report = new ArrayList<>();
    private final Started running = new Started();

    private EndToEndBenchmark(long records, Path state) {
        this.records = records;
        this.state = state;
    }

    public static void main(String[] args) throws Exception {
        long records = 500_000;
        Path dir = Path.of("target", "e2e-benchmark");
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; use [--records N] [--dir PATH] [--out PATH]");
            }
        }
        if (records < PARTITIONS) {
            throw new IllegalArgumentException("--records must be at least " + PARTITIONS + ", got " + records);
        }
        EndToEndBenchmark benchmark = new EndToEndBenchmark(records, dir.toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(benchmark.running::close, "benchmark-shutdown"));
        boolean verified;
        try {
            verified = benchmark.run();
        } catch (Exception e) {
            System.err.println("\nBenchmark FAILED: " + e);
            e.printStackTrace();
            System.err.println("Logs under " + benchmark.state);
            verified = false;
        } finally {
            benchmark.running.close();
        }
        if (out != null) {
            Files.writeString(out, String.join("\n", benchmark.report) + "\n");
            System.out.println("Written to " + out);
        }
        System.exit(verified ? 0 : 1);
    }

    private boolean run() throws Exception {
        Instant start = Instant.now();
        String loadBefore = loadAverage();
        Demo.deleteTree(state);
        Files.createDirectories(state);
        String classpath = Files.readString(Path.of(Demo.required("mcst.worker.classpath"))).trim();
        Path plugins = state.resolve("plugins");
        PluginArchive.install(Path.of(Demo.required("mcst.plugin.archive")), plugins);

        S3ProxyServer s3 = running.track(S3ProxyServer.startedIn(state.resolve("clouds/s3")));
        s3.createBucket(Demo.BUCKET);
        AzuriteServer azure = running.track(AzuriteServer.startedIn(state.resolve("clouds/azure")));
        azure.createContainer(Demo.BUCKET);
        Path local = Files.createDirectories(state.resolve("clouds/local"));
        LocalKafka kafka = running.track(LocalKafka.start(state.resolve("kafka"), classpath));
        LocalConnect connect = running.track(LocalConnect.start(state.resolve("connect"), classpath,
                kafka.bootstrapServers(), "mcst-bench", plugins, "service_load",
                Map.of("offset.flush.interval.ms", OFFSET_FLUSH_MS)));
        Map<String, String> storage = Demo.storage(s3, azure, local);
        say("Started Kafka " + AppInfoParser.getVersion() + " at " + kafka.bootstrapServers() + ", a Connect worker at "
                + connect.rest().base() + " (plugin archive on plugin.path), clouds: S3Proxy, Azurite, " + local);

        try (Admin admin = kafka.admin();
                WorkerProfile profile = WorkerProfile.attach(connect.pid(), processes(connect, kafka))) {
            admin.createTopics(List.of(SampleRecords.topic(TOPIC, PARTITIONS), SampleRecords.topic(RESTORED, PARTITIONS)))
                    .all().get();

            say("Bare KafkaProducer: writing " + records + " records of " + VALUE_BYTES + " bytes to " + PARTITIONS + " partitions");
            Duration produced = produce(kafka.bootstrapServers());
            say("Bare KafkaConsumer: reading them all");
            Duration consumed = consume(kafka.bootstrapServers());

            say("Sink: archiving '" + TOPIC + "' to s3 + azure + local (tasks.max=" + TASKS + ", flush.size=" + FLUSH_SIZE + ")");
            WorkerProfile.Sampling sinkSampling = profile.sample(SINK);
            Duration archived = timed(() -> connect.rest().putConnector(SINK, sinkConfig(storage)),
                    () -> {
                        connect.rest().ensureNotFailed(SINK, "worker log: " + connect.log());
                        return Progress.archived(admin, SINK);
                    });
            List<String> sinkProfile = sinkSampling.stop();
            connect.rest().deleteConnector(SINK);

            say("Source: replaying the archive into '" + RESTORED + "' (tasks.max=" + TASKS + ")");
            WorkerProfile.Sampling sourceSampling = profile.sample(SOURCE);
            Duration replayed = timed(() -> connect.rest().putConnector(SOURCE, sourceConfig(storage, kafka.bootstrapServers())),
                    () -> {
                        connect.rest().ensureNotFailed(SOURCE, "worker log: " + connect.log());
                        return Progress.records(admin, RESTORED);
                    });
            List<String> sourceProfile = sourceSampling.stop();

            say("Comparing '" + TOPIC + "' and '" + RESTORED + "' record by record");
            TopicComparison.Result comparison = TopicComparison.compare(kafka.bootstrapServers(), TOPIC, RESTORED);

            report(start, loadBefore, produced, consumed, archived, replayed, comparison, sinkProfile, sourceProfile);
            return comparison.identical() && comparison.records() == records;
        }
    }

    private static Map<String, Long> processes(LocalConnect connect, LocalKafka kafka) {
        Map<String, Long> processes = new LinkedHashMap<>();
        processes.put("Connect worker", connect.pid());
        processes.put("Kafka broker", kafka.pid());
        return processes;
    }

    /** Writes the records: key, 1 KiB of random bytes stamped with the record's number, one header. */
    private Duration produce(String bootstrapServers) throws Exception {
        byte[] template = new byte[VALUE_BYTES];
        new Random(15).nextBytes(template);
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.partitionsFor(TOPIC); // metadata first: the timed part is writing
            long start = System.nanoTime();
            for (long i = 0; i < records; i++) {
                byte[] value = template.clone();
                ByteBuffer.wrap(value).putLong(0, i);
                RecordHeaders headers = new RecordHeaders();
                headers.add("seq", Long.toString(i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(TOPIC, (int) (i % PARTITIONS), null,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), value, headers), (metadata, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + records + " records not written", firstFailure.get());
            }
            return took;
        }
    }

    private Duration consume(String bootstrapServers) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long start = System.nanoTime();
        long deadline = start + PHASE_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            while (read < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bare consumer read " + read + " of " + records + " in " + PHASE_TIMEOUT);
                }
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Runs {@code begin} and polls {@code progress} until it reaches the record count; the time in between. */
    private Duration timed(Action begin, Progress.Count progress) throws Exception {
        long start = System.nanoTime();
        begin.run();
        long lastSaid = start;
        long done;
        while ((done = progress.get()) < records) {
            long now = System.nanoTime();
            if (now - start > PHASE_TIMEOUT.toNanos()) {
                throw new IllegalStateException("only " + done + " of " + records + " records after " + PHASE_TIMEOUT);
            }
            if (now - lastSaid > 5_000_000_000L) {
                say(String.format(Locale.ROOT, "  %,d / %,d records after %d s", done, records, (now - start) / 1_000_000_000L));
                lastSaid = now;
            }
            Thread.sleep(POLL.toMillis());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private Map<String, String> sinkConfig(Map<String, String> storage) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", Connectors.SINK);
        config.put("tasks.max", Integer.toString(TASKS));
        config.put("topics", TOPIC);
        config.put("key.converter", BYTES);
        config.put("value.converter", BYTES);
        config.put("header.converter", BYTES);
        config.put("format", "envelope");
        config.put("flush.size", Integer.toString(FLUSH_SIZE));
        // The last, partial segment of each partition is written a second after its last record, not a minute.
        config.put("rotate.schedule.interval.ms", "1000");
        config.putAll(storage);
        return config;
    }

    private Map<String, String> sourceConfig(Map<String, String> storage, String bootstrapServers) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", Connectors.SOURCE);
        config.put("tasks.max", Integer.toString(TASKS));
        config.put("archive.topics", TOPIC);
        config.put("target.cluster.bootstrap.servers", bootstrapServers);
        config.put("topic.rename.format", "${topic}-restored");
        config.put("key.converter", BYTES);
        config.put("value.converter", BYTES);
        config.put("header.converter", BYTES);
        config.putAll(storage);
        return config;
    }

    private void report(Instant start, String loadBefore, Duration produced, Duration consumed, Duration archived,
            Duration replayed, TopicComparison.Result comparison, List<String> sinkProfile, List<String> sourceProfile) {
        String loadAfter = loadAverage();
        add("");
        add(String.format(Locale.ROOT, "## End to end, real processes: %,d records of 1 KiB over %d partitions", records, PARTITIONS));
        add("");
        add(String.format(Locale.ROOT, "%s; Kafka %s, one distributed Connect worker with the plugin archive, clouds S3Proxy + "
                + "Azurite + a directory (atomic); %d cores; load average (1/5/15 min) %s before, %s after; took %s.",
                start.truncatedTo(ChronoUnit.SECONDS), AppInfoParser.getVersion(), Runtime.getRuntime().availableProcessors(),
                loadBefore, loadAfter, Duration.between(start, Instant.now()).truncatedTo(ChronoUnit.SECONDS)));
        add("");
        add("| path | ours | baseline | ratio (ours / baseline, as rates) |");
        add("| --- | ---: | ---: | ---: |");
        add(row("archive: sink, tasks.max=" + TASKS + ", flush.size=" + FLUSH_SIZE + ", connector created to all offsets committed",
                archived, "bare KafkaConsumer reading all", consumed));
        add(row("replay: source, tasks.max=" + TASKS + ", connector created to all records in the new topic",
                replayed, "bare KafkaProducer writing all", produced));
        add("");
        add(String.format(Locale.ROOT, "Replay byte-exact (partition by partition: key, value, headers, timestamp): %s; %,d "
                + "records, %,d bytes compared.", comparison.identical() && comparison.records() == records ? "yes" : "NO",
                comparison.records(), comparison.bytes()));
        comparison.differences().forEach(difference -> add("- " + difference));
        add("");
        add("### Where the time goes: sink");
        add("");
        sinkProfile.forEach(line -> add("    " + line));
        add("");
        add("### Where the time goes: source");
        add("");
        sourceProfile.forEach(line -> add("    " + line));
    }

    private String row(String path, Duration ours, String baseline, Duration theirs) {
        double ourRate = records / seconds(ours);
        double theirRate = records / seconds(theirs);
        return String.format(Locale.ROOT, "| %s | %.1f s, %,.0f records/s | %s: %.1f s, %,.0f records/s | %.2fx |",
                path, seconds(ours), ourRate, baseline, seconds(theirs), theirRate, ourRate / theirRate);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void add(String line) {
        report.add(line);
        System.out.println(line);
    }

    private static void say(String line) {
        System.out.println(line);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
