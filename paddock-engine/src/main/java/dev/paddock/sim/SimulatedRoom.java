package dev.paddock.sim;

import dev.paddock.model.Room;
import java.util.Objects;

/**
 * A model {@link Room} together with a simulated hypervisor in which the room's VMs exist as domains (UUID =
 * VM id) on their hosts (host id = sim hostname, URI {@code sim://<hostname>}). The hosts are not attached:
 * the manager attaches them as it would real ones.
 */
public record SimulatedRoom(Room room, SimulatedHypervisor hypervisor) {
    public SimulatedRoom {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(hypervisor, "hypervisor");
    }
}
