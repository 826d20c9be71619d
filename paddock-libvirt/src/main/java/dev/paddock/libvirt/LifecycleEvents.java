package dev.paddock.libvirt;

import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.model.VmState;
import java.util.Optional;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventDetail;
import org.libvirt.event.ResumedDetail;
import org.libvirt.event.StartedDetail;
import org.libvirt.event.StoppedDetail;
import org.libvirt.event.SuspendedDetail;

/** libvirt's lifecycle events and domain states in Paddock's words. */
final class LifecycleEvents {

    private LifecycleEvents() {}

    static Optional<DomainEventKind> kind(DomainEvent event) {
        DomainEventDetail detail = event.getDetail();
        return kind(event.getType(), detail);
    }

    /**
     * The port's event for a libvirt event type and detail, or empty for the ones that say nothing new: the
     * pause and resume inside a migration, and SHUTDOWN (the guest is shutting down; STOPPED follows).
     */
    static Optional<DomainEventKind> kind(org.libvirt.event.DomainEventType type, DomainEventDetail detail) {
        return switch (type) {
            case DEFINED -> Optional.of(DomainEventKind.DEFINED);
            case UNDEFINED -> Optional.of(DomainEventKind.UNDEFINED);
            case STARTED -> Optional.of(detail == StartedDetail.MIGRATED ? DomainEventKind.MIGRATED_IN : DomainEventKind.STARTED);
            case SUSPENDED -> detail == SuspendedDetail.MIGRATED ? Optional.empty() : Optional.of(DomainEventKind.SUSPENDED);
            case RESUMED -> detail == ResumedDetail.MIGRATED ? Optional.empty() : Optional.of(DomainEventKind.RESUMED);
            case STOPPED -> Optional.of(stopped(detail));
            case PMSUSPENDED -> Optional.of(DomainEventKind.SUSPENDED);
            case CRASHED -> Optional.of(DomainEventKind.CRASHED);
            case SHUTDOWN, UNKNOWN -> Optional.empty();
        };
    }

    private static DomainEventKind stopped(DomainEventDetail detail) {
        if (detail == StoppedDetail.MIGRATED) {
            return DomainEventKind.MIGRATED_OUT;
        }
        if (detail == StoppedDetail.CRASHED || detail == StoppedDetail.FAILED) {
            return DomainEventKind.CRASHED;
        }
        return DomainEventKind.STOPPED;
    }

    static VmState state(DomainState state) {
        return switch (state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_SHUTDOWN -> VmState.RUNNING;
            case VIR_DOMAIN_PAUSED, VIR_DOMAIN_PMSUSPENDED -> VmState.PAUSED;
            case VIR_DOMAIN_SHUTOFF -> VmState.STOPPED;
            case VIR_DOMAIN_CRASHED -> VmState.CRASHED;
            case VIR_DOMAIN_NOSTATE -> VmState.UNKNOWN;
        };
    }
}
