package dev.paddock.hypervisor;

import dev.paddock.model.Watchdog;
import java.time.Instant;

/** Something a hypervisor told us without being asked. */
public sealed interface HypervisorEvent permits HypervisorEvent.DomainEvent, HypervisorEvent.HostEvent,
        HypervisorEvent.WatchdogFired {

    Instant at();

    String hostId();

    /** A domain lifecycle change on a host. */
    record DomainEvent(Instant at, String hostId, String uuid, String name, DomainEventKind kind)
            implements HypervisorEvent {}

    /**
     * A domain's watchdog fired: the guest stopped feeding it (its OS hung) and the hypervisor took {@code action}.
     * A lifecycle event follows when the action changed the domain's state (STOPPED, SUSPENDED); a reset does not
     * stop the domain, so nothing else tells of it.
     */
    record WatchdogFired(Instant at, String hostId, String uuid, String name, Watchdog.Action action)
            implements HypervisorEvent {}

    /** A change in the connection to a host. */
    record HostEvent(Instant at, String hostId, HostEventKind kind) implements HypervisorEvent {}

    enum DomainEventKind {
        DEFINED,
        UNDEFINED,
        STARTED,
        SUSPENDED,
        RESUMED,
        STOPPED,
        CRASHED,
        MIGRATED_IN,
        MIGRATED_OUT
    }

    enum HostEventKind {
        CONNECTED,
        DISCONNECTED
    }
}
