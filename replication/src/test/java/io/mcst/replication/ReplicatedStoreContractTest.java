package io.mcst.replication;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.memory.MemoryStore;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;

/** The replicated store keeps the whole store contract, over one replica and over three. */
class ReplicatedStoreContractTest {
    static ReplicatedStore overMemory(int n, ReplicationOptions options) {
        List<KeyValueStore> stores = IntStream.range(0, n).<KeyValueStore>mapToObj(i -> new MemoryStore("m" + i)).toList();
        return new ReplicatedStore(stores, options);
    }

    @Nested
    class OneReplica extends AbstractKeyValueStoreTest {
        @Override
        protected KeyValueStore createStore() {
            return overMemory(1, ReplicationOptions.defaults());
        }
    }

    @Nested
    class ThreeReplicasAtomic extends AbstractKeyValueStoreTest {
        @Override
        protected KeyValueStore createStore() {
            return overMemory(3, ReplicationOptions.defaults());
        }
    }

    @Nested
    class ThreeReplicasRegular extends AbstractKeyValueStoreTest {
        @Override
        protected KeyValueStore createStore() {
            return overMemory(3, ReplicationOptions.defaults().withSemantics(Semantics.REGULAR));
        }
    }
}
