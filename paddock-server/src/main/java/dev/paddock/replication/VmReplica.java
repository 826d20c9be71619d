package dev.paddock.replication;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a VM stands at a replication's target: its newest point there, when that point was taken (the VM's recovery
 * point), and what its last shipment cost.
 *
 * @param bytesSent the bytes of chunks uploaded for the last point shipped (0 when the target had them all)
 * @param took how long shipping that point took
 * @param replicated when the point was committed at the target, or first seen there
 */
public record VmReplica(String vm, String point, Instant taken, long bytesSent, Duration took, Instant replicated) {

    /** How old the VM's recovery point at the target is at {@code now}. */
    public Duration rpo(Instant now) {
        return Duration.between(taken, now);
    }
}
