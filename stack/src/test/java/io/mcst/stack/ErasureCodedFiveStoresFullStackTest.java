package io.mcst.stack;

import java.util.Map;

/** {@link FullStackTest} over five stores with t = 1 and k = 3: each store holds a third of a value, any three rebuild it. */
class ErasureCodedFiveStoresFullStackTest extends FullStackTest {
    @Override
    protected int stores() {
        return 5;
    }

    @Override
    protected Map<String, String> replicationProps() {
        return Map.of("replication.coding", "erasure", "erasure.data.fragments", "3", "replication.fault.tolerance", "1");
    }
}
