package io.mcst.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** How the end-to-end benchmark's profile names what a sampled thread is doing. */
class WorkerProfileTest {
    private final CountDownLatch parked = new CountDownLatch(1);

    @Test
    void aThreadParkedInOurCodeIsWaitingThereNamedByItsOutermostAndInnermostFrames() throws Exception {
        Thread thread = new Thread(this::outer, "parked-in-ours");
        thread.setDaemon(true);
        thread.start();
        parked.await();
        try {
            assertEquals("WorkerProfileTest.outer > WorkerProfileTest.inner (waiting)", WorkerProfile.activity(parkedInfo(thread)));
        } finally {
            LockSupport.unpark(thread);
            thread.join();
        }
    }

    @Test
    void aThreadWithoutFramesOfOursIsNamedSo() throws Exception {
        Thread thread = new Thread(LockSupport::park, "parked-elsewhere");
        thread.setDaemon(true);
        thread.start();
        try {
            assertEquals("none of ours: no Kafka frame either (waiting)", WorkerProfile.activity(parkedInfo(thread)));
        } finally {
            LockSupport.unpark(thread);
            thread.join();
        }
    }

    private void outer() {
        inner();
    }

    private void inner() {
        parked.countDown();
        LockSupport.park();
    }

    /** The thread's stack once it is parked (it may still be on its way there when first looked at). */
    private static ThreadInfo parkedInfo(Thread thread) throws InterruptedException {
        while (true) {
            ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId(), Integer.MAX_VALUE);
            if (info.getThreadState() == Thread.State.WAITING) {
                return info;
            }
            Thread.sleep(10);
        }
    }
}
