package dev.paddock.hypervisor;

import java.time.Instant;

/** Something a hypervisor told us without being asked. */
public sealed interface HypervisorEvent permits HypervisorEvent.DomainEvent, HypervisorEvent.HostEvent {

    Instant at();

    String hostId();

    /** A domain lifecycle change on a host. */
    record DomainEvent(Instant at, String hostId, String uuid, String name, DomainEventKind kind)
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
