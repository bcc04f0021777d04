package io.mcst.demo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child process of the demo (a broker, a worker), its output kept in one log file. */
final class LocalProcess implements AutoCloseable {
    /** How long a child gets to shut down cleanly before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;

    private LocalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static LocalProcess start(String name, List<String> command, Path workDir, Path log) {
        requireNonNull(name, "name");
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new LocalProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** Writes a child's configuration file, creating its directory; the demo cannot go on without it. */
    static void writeConfig(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A java command for {@code mainClass} on {@code classpath}, with the JVM that runs the demo. */
    static List<String> java(String heap, String classpath, List<String> jvmOptions, String mainClass, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", classpath));
        command.addAll(jvmOptions);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    Path log() {
        return log;
    }

    /** The operating system's id of the process, to attach to it or read its CPU time. */
    long pid() {
        return process.pid();
    }

    /** Waits until {@code readiness} passes; a child that fails it is stopped, so none outlives a failed start. */
    void awaitReady(Readiness readiness) throws InterruptedException {
        try {
            readiness.await();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    /** A wait for a started child to serve, failing if it exits or does not serve in time. */
    @FunctionalInterface
    interface Readiness {
        void await() throws InterruptedException;
    }

    /** Throws, pointing at the log, if the process has exited. */
    void ensureAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log);
        }
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    /**
     * Appends the stacks of the child's threads to its log (jcmd Thread.print), for a wait that timed out:
     * whether a task is blocked, and where, is then in the log that outlives the failure.
     */
    void dumpThreads() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot dump the threads of " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills the process at once with SIGKILL, as a crash or the OOM killer would: no shutdown hook, no clean
     * close of its clients. Returns once it has exited.
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for " + GRACE);
        }
    }

    /** Asks the process (and its children, e.g. node's) to stop, then kills what is left after a grace period. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
