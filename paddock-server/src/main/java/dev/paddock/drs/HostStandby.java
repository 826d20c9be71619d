package dev.paddock.drs;

import java.time.Instant;
import java.util.Optional;

/**
 * A host power saving put in standby, as the store keeps it.
 *
 * @param state going to standby (its VMs moving, then powered off), in standby, waking (being powered on), or awake
 *     again (kept for when the cluster last powered a host on)
 * @param operationId the operation that put it in standby or that wakes it
 * @param wokenAt when it woke, once awake
 */
public record HostStandby(String hostId, String clusterId, State state, Instant since, String operationId,
        Optional<Instant> wokenAt) {

    public enum State {
        STANDBY, WAKING, AWAKE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Power saving holds the host: in standby or waking. */
    public boolean held() {
        return state != State.AWAKE;
    }
}
