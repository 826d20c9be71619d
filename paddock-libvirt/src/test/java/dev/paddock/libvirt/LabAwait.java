package dev.paddock.libvirt;

import java.time.Duration;

/** Waiting on a condition with a deadline, never a fixed sleep: lab hosts run guests under TCG on shared cores. */
public final class LabAwait {

    public interface Condition {
        boolean holds() throws Exception;
    }

    private LabAwait() {}

    /** Polls every 100 ms; a condition that throws counts as not yet, and its last error is reported at the end. */
    public static void until(String what, Duration timeout, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + (last == null ? "" : ": " + last), last);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
