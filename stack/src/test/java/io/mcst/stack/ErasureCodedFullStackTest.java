package io.mcst.stack;

import java.util.Map;

/**
 * {@link FullStackTest} over erasure coding: compression, encryption and per-store integrity around three
 * stores holding one fragment each (n = 3, t = 1 allow k = n - 2t = 1).
 */
class ErasureCodedFullStackTest extends FullStackTest {
    @Override
    protected Map<String, String> replicationProps() {
        return Map.of("replication.coding", "erasure", "erasure.data.fragments", "1", "replication.fault.tolerance", "1");
    }

}
