package io.mcst.stores;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;

/** The open/closed state every adapter keeps, so "used after close" fails the same way everywhere. */
public final class CloseGuard {
    private final String storeName;
    private final AtomicBoolean closed = new AtomicBoolean();

    public CloseGuard(String storeName) {
        this.storeName = requireNonNull(storeName, "storeName");
    }

    /** @throws IllegalStateException if the store was closed */
    public void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("store '" + storeName + "' is closed");
        }
    }

    /** Marks the store closed; true only for the first call, so resources are released once. */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }
}
