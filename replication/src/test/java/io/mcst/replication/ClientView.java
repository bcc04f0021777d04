package io.mcst.replication;

import io.mcst.stores.ForwardingKeyValueStore;
import io.mcst.stores.KeyValueStore;

/**
 * One client's connection to a shared store: closing it leaves the store open for the other clients. (The
 * randomized histories model links, latencies and client crashes on virtual time instead: {@link VirtualTime}.)
 */
final class ClientView extends ForwardingKeyValueStore {
    ClientView(KeyValueStore shared) {
        super(shared);
    }

    @Override
    public void close() {
        // the shared store outlives each client
    }
}
