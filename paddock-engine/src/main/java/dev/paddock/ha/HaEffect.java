package dev.paddock.ha;

import dev.paddock.model.Room;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link HaDecider} asks its loop to do: write to the audit log, raise an alarm, notify, read a meter, submit
 * an operation. The loop carries them out in the order given, so the audit log reads in the order decided.
 */
public sealed interface HaEffect {

    /** An entry of the audit log, by the HA controller (actions {@code ha.*}). */
    record Audit(String action, String subjectId, String detail) implements HaEffect {}

    record RaiseAlarm(String kind, String subjectId, String message) implements HaEffect {}

    /** A notice for the people who act on it (webhooks). */
    record Notify(String kind, String subjectId, String detail) implements HaEffect {}

    /** Keepalive lost to host judged dead. */
    record MeterDetected(Duration took) implements HaEffect {}

    /** Fence decided to fence confirmed. */
    record MeterFenced(Duration took) implements HaEffect {}

    /** Fence confirmed to every protected VM settled. */
    record MeterRestarted(Duration took) implements HaEffect {}

    /** One fence attempt that did not confirm the host off. */
    record MeterFenceFailure() implements HaEffect {}

    /** A failover operation ended: {@code outcome} is its final state (DONE, FAILED, ...) or LOST. */
    record MeterFailover(String outcome) implements HaEffect {}

    /**
     * Plan the restarts of {@code failedHostIds} and submit them as one {@code host.failover} operation, behind a
     * fence step for each host of {@code toFence}; then tell the decider with {@link HaDecider#submitted}.
     *
     * @param view the room as HA sees it: only hosts that take restarts are connected
     * @param failedHostIds sorted, as the fence steps and the operation's target are
     * @param unavailable the hosts that must receive no restart
     */
    record SubmitFailover(Room view, Set<String> failedHostIds, Set<String> toFence, Set<String> unavailable)
            implements HaEffect {
        public SubmitFailover {
            failedHostIds = Collections.unmodifiableSortedSet(new TreeSet<>(failedHostIds));
            toFence = Collections.unmodifiableSortedSet(new TreeSet<>(toFence));
            unavailable = Collections.unmodifiableSortedSet(new TreeSet<>(unavailable));
        }
    }

    /**
     * A fenced host is back on: remove the definitions of its VMs that run elsewhere now
     * ({@link HaDecider#staleDefinitions}), as one {@code host.clean-stale} operation.
     */
    record CleanStale(String hostId) implements HaEffect {}

    /**
     * A fenced host is back on: start on it again its protected VMs that run nowhere else
     * ({@link HaDecider#restartsInPlace}), as one {@code host.restart-in-place} operation.
     */
    record RestartInPlace(String hostId) implements HaEffect {}
}
