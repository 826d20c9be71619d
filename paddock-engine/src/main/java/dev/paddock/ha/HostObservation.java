package dev.paddock.ha;

import dev.paddock.model.PowerState;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the two independent paths say of one host.
 *
 * @param keepaliveLostSince when the libvirt connection's keepalive stopped answering; empty while it answers
 * @param lastHeartbeat the last time the host's datastore heartbeat (its disk lease) was seen advancing; empty
 *     when the host has none or it was never seen
 * @param power the power state the fence agent's status action reports; {@link PowerState#UNKNOWN} when the
 *     agent does not answer or the host has none
 */
public record HostObservation(
        String hostId, Optional<Instant> keepaliveLostSince, Optional<Instant> lastHeartbeat, PowerState power) {
    public HostObservation {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(keepaliveLostSince, "keepaliveLostSince");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
        Objects.requireNonNull(power, "power");
    }
}
