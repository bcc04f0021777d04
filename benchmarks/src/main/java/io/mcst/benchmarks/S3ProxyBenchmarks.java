package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import io.mcst.replication.ReplicatedStore;
import io.mcst.replication.ReplicationOptions;
import io.mcst.replication.Semantics;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.s3.S3ProxyServer;
import io.mcst.stores.s3.S3Store;
import java.util.ArrayList;
import java.util.List;

/**
 * Real HTTP instead of the latency model: {@link S3Store}s against one in-process S3Proxy server (the
 * project's test server) with no added latency, one bucket per replica. Client, server and protocol all
 * share the same two cores, so this measures the request-handling cost of n stores against one.
 */
final class S3ProxyBenchmarks {
    private final BenchSettings settings;
    private final ResultsTable table;

    S3ProxyBenchmarks(BenchSettings settings, ResultsTable table) {
        this.settings = requireNonNull(settings, "settings");
        this.table = requireNonNull(table, "table");
    }

    void run() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.started()) {
            List<ValueLoad> loads = List.of(new ValueLoad("1 KiB", ValueLoad.KIB, 8, 8), new ValueLoad("1 MiB", ValueLoad.MIB, 4, 2));
            for (ValueLoad load : loads) {
                String section = "S3Proxy (real HTTP, no added latency), " + load.label();
                String single = "single-" + load.bytes();
                server.createBucket(single);
                PutGet bare = PutGet.measure(() -> new S3Store(server.config("s3", single)), load, settings.measurement());
                bare.noteErrors(table, section + ", one store");
                String prefix = "replica-" + load.bytes() + "-";
                for (int i = 0; i < 3; i++) {
                    server.createBucket(prefix + i);
                }
                PutGet replicated = PutGet.measure(() -> {
                    List<KeyValueStore> stores = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        stores.add(new S3Store(server.config("s3-" + i, prefix + i)));
                    }
                    return new ReplicatedStore(stores, ReplicationOptions.defaults().withSemantics(Semantics.ATOMIC));
                }, load, settings.measurement());
                replicated.noteErrors(table, section + ", n=3 atomic");
                table.add(section, "put throughput, n=3 atomic", replicated.put().opsPerSecond(), "ops/s",
                        "one S3 store", bare.put().opsPerSecond());
                table.add(section, "put p99, n=3 atomic", replicated.put().latency().p99Millis(), "ms",
                        "one S3 store", bare.put().latency().p99Millis());
                table.add(section, "get throughput, n=3 atomic", replicated.get().opsPerSecond(), "ops/s",
                        "one S3 store", bare.get().opsPerSecond());
                table.add(section, "get p99, n=3 atomic", replicated.get().latency().p99Millis(), "ms",
                        "one S3 store", bare.get().latency().p99Millis());
            }
        }
    }
}
