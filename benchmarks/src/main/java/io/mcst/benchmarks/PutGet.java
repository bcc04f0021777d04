package io.mcst.benchmarks;

import io.mcst.stores.KeyValueStore;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What one stack did under a put run and then a get run of one {@link ValueLoad}, and {@code storedBytes}:
 * the bytes its base stores held after the get run, summed over the stores (every key written, each holding
 * its last value, plus whatever metadata and not yet collected versions the stack keeps).
 */
record PutGet(LoadRunner.Result put, LoadRunner.Result get, long storedBytes) {

    /** Opens a stack over empty stores, runs puts then gets for {@code duration} each, then forgets the stores. */
    static PutGet measure(Supplier<KeyValueStore> stack, ValueLoad load, Duration duration) {
        BenchStores.clear();
        KeyValueWorkload workload = new KeyValueWorkload(load.callers(), load.keysPerCaller(), load.bytes());
        try (KeyValueStore store = stack.get()) {
            LoadRunner.Result puts = workload.puts(store, duration);
            LoadRunner.Result gets = workload.gets(store, duration);
            return new PutGet(puts, gets, BenchStores.storedBytesOfAll());
        } finally {
            BenchStores.clear();
        }
    }

    long errors() {
        return put.errors() + get.errors();
    }

    /** Notes failed operations under {@code what}, if there were any. */
    void noteErrors(ResultsTable table, String what) {
        if (errors() > 0) {
            table.note(what + ": " + errors() + " failed operations, first: "
                    + (put.firstError() != null ? put.firstError() : get.firstError()));
        }
    }
}
