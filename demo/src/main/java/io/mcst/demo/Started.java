package io.mcst.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * What a run started (clouds, a broker, a worker), stopped newest first on {@link #close()}: the worker before
 * Kafka, Kafka before the clouds. Safe to close from a shutdown hook while the run is still starting things.
 */
final class Started implements AutoCloseable {
    private final Deque<AutoCloseable> running = new ArrayDeque<>();

    <T extends AutoCloseable> T track(T resource) {
        synchronized (running) {
            running.push(resource);
        }
        return resource;
    }

    /** Stops everything tracked, then any child process still starting when the run was interrupted. */
    @Override
    public void close() {
        synchronized (running) {
            while (!running.isEmpty()) {
                try {
                    running.pop().close();
                } catch (Exception e) {
                    System.err.println("while stopping: " + e);
                }
            }
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        ProcessHandle.current().descendants().forEach(child -> child.onExit().orTimeout(30, TimeUnit.SECONDS)
                .exceptionally(timeout -> {
                    child.destroyForcibly();
                    return child;
                }).join());
    }
}
