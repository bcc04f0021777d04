package io.mcst.demo;

import static java.util.Objects.requireNonNull;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Where a Connect worker's time goes while one connector runs: the stacks of the connector's task threads and
 * the state of our own pools (threads named {@code mcst-*}), sampled every {@value #PERIOD_MS} ms through the
 * worker's JMX, plus Connect's own timings of the task and the CPU each local process used.
 *
 * <p>Sampling, not instrumenting: the worker runs the plugin archive unchanged. It attaches through the JDK's
 * attach API (the worker opens no JMX port) and asks only for the threads it counts: task threads with their
 * whole stack, pool threads twelve frames deep (enough to tell an idle pool thread from a busy one). A sample is
 * a thread-info call in the worker, a few milliseconds of its CPU; a separate JVM per sample ({@code jcmd}) would
 * cost a core-second each on this machine.
 */
final class WorkerProfile implements AutoCloseable {
    private static final long PERIOD_MS = 250;
    /** Pool threads are grouped by name without their trailing number: mcst-replica-s3-7 counts in mcst-replica-s3. */
    private static final String OUR_THREADS = "mcst-";
    private static final String OUR_PACKAGE = "io.mcst.";
    private static final String OUR_CONNECTOR = "io.mcst.connector.";
    private static final String KAFKA_PACKAGE = "org.apache.kafka.";
    private static final int TOP_ACTIVITIES = 10;
    /** Deep enough to see ThreadPoolExecutor.getTask under the queue's park (7 frames below it for take()). */
    private static final int POOL_DEPTH = 12;

    private final JMXConnector jmx;
    private final MBeanServerConnection server;
    private final ThreadMXBean threads;
    private final Map<String, Long> processes;

    private WorkerProfile(JMXConnector jmx, Map<String, Long> processes) throws IOException {
        this.jmx = jmx;
        this.server = jmx.getMBeanServerConnection();
        this.threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        this.processes = processes;
    }

    /**
     * Attaches to the worker's JVM ({@code workerPid}); {@code processes} names the processes whose CPU each
     * report lists (this JVM and the other child processes are added).
     */
    static WorkerProfile attach(long workerPid, Map<String, Long> processes) throws IOException {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(workerPid));
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to the worker (pid " + workerPid + ")", e);
        }
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        return new WorkerProfile(JMXConnectorFactory.connect(new JMXServiceURL(address)), new LinkedHashMap<>(processes));
    }

    /** Starts sampling while {@code connector} runs; {@link Sampling#stop()} ends it and returns the report. */
    Sampling sample(String connector) {
        return new Sampling(connector);
    }

    /** One phase's sampling, on its own daemon thread. */
    final class Sampling {
        private final String connector;
        private final String taskThreads;
        private final Map<String, Long> cpuBefore;
        private final long startNanos = System.nanoTime();
        private final Map<String, Integer> activities = new HashMap<>();
        private final Map<String, Integer> poolBusy = new HashMap<>();
        private final Map<String, Integer> poolSize = new HashMap<>();
        private final Thread sampler;
        private volatile boolean stopped;
        private volatile String failure;
        private final Set<String> taskThreadNames = new TreeSet<>();
        private int samples;
        private int taskSamples;

        private Sampling(String connector) {
            this.connector = requireNonNull(connector, "connector");
            this.taskThreads = "task-thread-" + connector + "-";
            this.cpuBefore = cpu();
            this.sampler = new Thread(this::run, "profile-" + connector);
            sampler.setDaemon(true);
            sampler.start();
        }

        private void run() {
            long[] tasks = new long[0];
            long[] pool = new long[0];
            Map<Long, String> names = new HashMap<>();
            try {
                for (int round = 0; !stopped; round++) {
                    if (round % 8 == 0) { // threads come and go (task start, pools growing): list them every 8 samples
                        names.clear();
                        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
                            if (info != null) {
                                names.put(info.getThreadId(), info.getThreadName());
                            }
                        }
                        tasks = ids(names, name -> name.startsWith(taskThreads));
                        pool = ids(names, name -> name.startsWith(OUR_THREADS));
                    }
                    long next = System.nanoTime() + PERIOD_MS * 1_000_000;
                    count(threads.getThreadInfo(tasks, Integer.MAX_VALUE), threads.getThreadInfo(pool, POOL_DEPTH), names);
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) { // the worker went away, or JMX failed: report what was sampled
                failure = e.toString();
            }
        }

        private void count(ThreadInfo[] tasks, ThreadInfo[] pool, Map<Long, String> names) {
            synchronized (this) {
                samples++;
                for (ThreadInfo info : tasks) {
                    if (info != null) {
                        taskSamples++;
                        taskThreadNames.add(info.getThreadName());
                        activities.merge(activity(info), 1, Integer::sum);
                    }
                }
                Map<String, Integer> sizes = new HashMap<>();
                for (ThreadInfo info : pool) {
                    if (info != null) {
                        String group = names.getOrDefault(info.getThreadId(), info.getThreadName()).replaceFirst("-\\d+$", "");
                        sizes.merge(group, 1, Integer::sum);
                        poolBusy.merge(group, idle(info) ? 0 : 1, Integer::sum);
                    }
                }
                sizes.forEach((group, size) -> poolSize.merge(group, size, Math::max));
            }
        }

        /** Stops sampling and describes the phase: lines of text, each a figure. */
        List<String> stop() throws InterruptedException {
            stopped = true; // not an interrupt: one that lands inside a JMX call would fail that sample as an error
            sampler.join();
            double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
            Map<String, Long> cpuAfter = cpu();
            List<String> lines = new ArrayList<>();
            synchronized (this) {
                lines.add(String.format(Locale.ROOT, "%d samples (one every %d ms at most) over %.1f s; task threads of %s: %s",
                        samples, PERIOD_MS, wallSeconds, connector, taskThreadNames));
                if (failure != null) {
                    lines.add("sampling stopped early: " + failure);
                }
                lines.add("task threads, share of samples (what Connect called > innermost connector frame > innermost frame of ours, state):");
                activities.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .limit(TOP_ACTIVITIES)
                        .forEach(e -> lines.add(String.format(Locale.ROOT, "  %5.1f%%  %s", percent(e.getValue()), e.getKey())));
                int shown = activities.values().stream().sorted((a, b) -> b - a).limit(TOP_ACTIVITIES).mapToInt(i -> i).sum();
                if (taskSamples > shown) {
                    lines.add(String.format(Locale.ROOT, "  %5.1f%%  other", percent(taskSamples - shown)));
                }
                if (!poolSize.isEmpty()) {
                    lines.add("our pools (all tasks together), threads busy on average (not waiting for work) / most threads seen at once:");
                    new TreeMap<>(poolSize).forEach((group, size) -> lines.add(String.format(Locale.ROOT, "  %-28s %6.2f / %d",
                            group, samples == 0 ? 0 : (double) poolBusy.get(group) / samples, size)));
                }
            }
            lines.addAll(connectMetrics());
            StringBuilder cpu = new StringBuilder("CPU seconds used meanwhile:");
            cpuAfter.forEach((name, nanos) -> cpu.append(String.format(Locale.ROOT, " %s %.1f,", name,
                    (nanos - cpuBefore.getOrDefault(name, 0L)) / 1e9)));
            cpu.append(String.format(Locale.ROOT, " of %.1f core-seconds (%d cores x %.1f s wall)",
                    Runtime.getRuntime().availableProcessors() * wallSeconds, Runtime.getRuntime().availableProcessors(), wallSeconds));
            lines.add(cpu.toString());
            return lines;
        }

        private double percent(int count) {
            return taskSamples == 0 ? 0 : 100.0 * count / taskSamples;
        }

        /** Connect's timings of the connector's tasks (put or poll batches, offset commits), per task. */
        private List<String> connectMetrics() {
            List<String> lines = new ArrayList<>();
            Map<String, List<String>> wanted = new LinkedHashMap<>();
            wanted.put("sink-task-metrics", List.of("put-batch-avg-time-ms", "put-batch-max-time-ms"));
            wanted.put("source-task-metrics", List.of("poll-batch-avg-time-ms", "poll-batch-max-time-ms"));
            wanted.put("connector-task-metrics", List.of("offset-commit-avg-time-ms", "offset-commit-max-time-ms", "batch-size-avg"));
            try {
                for (Map.Entry<String, List<String>> group : wanted.entrySet()) {
                    Set<ObjectName> names = server.queryNames(
                            new ObjectName("kafka.connect:type=" + group.getKey() + ",connector=" + connector + ",*"), null);
                    for (ObjectName name : new TreeSet<>(names)) {
                        StringBuilder line = new StringBuilder("Connect's " + group.getKey() + ", task " + name.getKeyProperty("task") + ":");
                        for (String attribute : group.getValue()) {
                            Object value = server.getAttribute(name, attribute);
                            line.append(' ').append(attribute).append(' ').append(value instanceof Double d
                                    ? String.format(Locale.ROOT, "%.1f", d) : value).append(',');
                        }
                        lines.add(line.substring(0, line.length() - 1));
                    }
                }
            } catch (Exception e) { // metrics are a bonus: the sampled stacks above stand without them
                lines.add("Connect's task metrics not read: " + e);
            }
            return lines;
        }
    }

    /**
     * What a task thread is doing: "none of ours" and the innermost of Kafka's frames when no frame is ours
     * (Connect polling Kafka, committing offsets, sending records), otherwise the outermost of our frames (what Connect called), the innermost
     * in the connector and the innermost of all (where in our code the thread is), and whether it runs, waits on
     * the network, or is parked/blocked.
     */
    static String activity(ThreadInfo info) {
        StackTraceElement[] stack = info.getStackTrace();
        int inner = -1;
        int connector = -1;
        int outer = -1;
        for (int i = 0; i < stack.length; i++) {
            String type = stack[i].getClassName();
            if (type.startsWith(OUR_PACKAGE) && !type.contains("$$Lambda")) { // a lambda's proxy is plumbing, its body counts
                if (inner < 0 && !type.matches(".*\\$\\d+$")) { // past anonymous plumbing (a clock's await)
                    inner = i;
                }
                if (connector < 0 && type.startsWith(OUR_CONNECTOR)) {
                    connector = i;
                }
                outer = i;
            }
        }
        String state = state(info);
        if (outer < 0) {
            return "none of ours: " + Arrays.stream(stack).filter(f -> f.getClassName().startsWith(KAFKA_PACKAGE))
                    .findFirst().map(WorkerProfile::frame).orElse("no Kafka frame either") + " (" + state + ")";
        }
        StringBuilder path = new StringBuilder(frame(stack[outer]));
        for (int level : new int[] {connector, inner}) {
            if (level >= 0 && level < outer && !path.toString().endsWith(frame(stack[level]))) {
                path.append(" > ").append(frame(stack[level]));
            }
        }
        return path + " (" + state + ")";
    }

    private static String state(ThreadInfo info) {
        StackTraceElement[] stack = info.getStackTrace();
        return switch (info.getThreadState()) {
            case BLOCKED, WAITING, TIMED_WAITING -> "waiting";
            default -> stack.length > 0 && stack[0].isNativeMethod() && networkIo(stack[0]) ? "network I/O" : "on CPU";
        };
    }

    private static boolean networkIo(StackTraceElement top) {
        String type = top.getClassName();
        return type.startsWith("sun.nio.ch.") || type.startsWith("java.net.") || type.startsWith("sun.net.");
    }

    /** A pool thread waiting for its next task (parked in its executor's queue). */
    private static boolean idle(ThreadInfo info) {
        return Arrays.stream(info.getStackTrace()).anyMatch(frame ->
                frame.getMethodName().equals("getTask") && frame.getClassName().endsWith("ThreadPoolExecutor")
                        || frame.getMethodName().equals("awaitWork") && frame.getClassName().endsWith("ForkJoinPool"));
    }

    /** {@code SimpleClass.method}, lambdas named after the method that holds them. */
    private static String frame(StackTraceElement frame) {
        String type = frame.getClassName();
        String simple = type.substring(type.lastIndexOf('.') + 1);
        String method = frame.getMethodName().replaceFirst("^lambda\\$(.*)\\$\\d+$", "$1");
        return simple + "." + method;
    }

    private static long[] ids(Map<Long, String> names, Predicate<String> wanted) {
        return names.entrySet().stream().filter(e -> wanted.test(e.getValue())).mapToLong(Map.Entry::getKey).toArray();
    }

    /** CPU time used so far by each named process, this JVM and every other child process of this JVM. */
    private Map<String, Long> cpu() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        processes.forEach((name, pid) -> cpu.put(name, cpuNanos(ProcessHandle.of(pid).orElse(null))));
        long others = ProcessHandle.current().descendants().filter(p -> !processes.containsValue(p.pid()))
                .mapToLong(WorkerProfile::cpuNanos).sum();
        cpu.put("other child processes (Azurite's node)", others);
        cpu.put("this JVM (S3Proxy, the bare clients, sampling)", cpuNanos(ProcessHandle.current()));
        return cpu;
    }

    private static long cpuNanos(ProcessHandle process) {
        return process == null ? 0 : process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    @Override
    public void close() throws IOException {
        jmx.close();
    }
}
