package dev.paddock.hypervisor;

import dev.paddock.model.Watchdog;
import java.time.Instant;

/** Something a hypervisor told us without being asked. */
public sealed interface HypervisorEvent permits HypervisorEvent.DomainEvent, HypervisorEvent.HostEvent,
        HypervisorEvent.WatchdogFired, HypervisorEvent.PoolEvent, HypervisorEvent.NetworkEvent {

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

    /**
     * A storage pool of a host changed: defined, started, stopped and so on, or refreshed. Nothing tells of space
     * used as volumes fill: a pool's sizes change without an event until someone refreshes it.
     */
    record PoolEvent(Instant at, String hostId, String pool, PoolEventKind kind) implements HypervisorEvent {}

    /** A network of a host was defined, undefined, started or stopped. */
    record NetworkEvent(Instant at, String hostId, String network, NetworkEventKind kind)
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

    enum PoolEventKind {
        DEFINED,
        UNDEFINED,
        STARTED,
        STOPPED,
        /** Built: its storage made (a directory created, a disk labelled). */
        CREATED,
        /** Its storage deleted (a directory removed). */
        DELETED,
        /** Its volumes and sizes read again. */
        REFRESHED
    }

    enum NetworkEventKind {
        DEFINED,
        UNDEFINED,
        STARTED,
        STOPPED
    }

    enum HostEventKind {
        CONNECTED,
        DISCONNECTED
    }
}
