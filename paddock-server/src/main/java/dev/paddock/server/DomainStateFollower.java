package dev.paddock.server;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.model.VmState;
import dev.paddock.store.InventoryStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the run state of Paddock's VMs in the store in step with the domain events hosts send, so that
 * what the API lists is what runs. Only the state of VMs the store knows changes; a domain Paddock never
 * recorded is left to the controller that handles unregistered VMs.
 *
 * <p>Events are applied on the thread that delivers them, in order. That keeps a STOPPED event of a VM
 * being deleted from writing the VM back after its ForgetVm step (the simulated room delivers events on
 * the caller's thread, before the step returns). A hypervisor that delivers on its own event-loop thread
 * needs a queue here, and a store write that cannot resurrect a deleted row.
 */
public final class DomainStateFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DomainStateFollower.class);

    private final InventoryStore store;
    private final Hypervisor.Subscription subscription;

    public DomainStateFollower(InventoryStore store, Hypervisor hypervisor) {
        this.store = store;
        this.subscription = hypervisor.subscribe(this::apply);
    }

    static Optional<VmState> stateAfter(HypervisorEvent.DomainEventKind kind) {
        return switch (kind) {
            case STARTED, RESUMED, MIGRATED_IN -> Optional.of(VmState.RUNNING);
            case STOPPED -> Optional.of(VmState.STOPPED);
            case SUSPENDED -> Optional.of(VmState.PAUSED);
            case CRASHED -> Optional.of(VmState.CRASHED);
            case DEFINED, UNDEFINED, MIGRATED_OUT -> Optional.empty();
        };
    }

    private void apply(HypervisorEvent event) {
        if (!(event instanceof DomainEvent domain)) {
            return;
        }
        try {
            stateAfter(domain.kind()).ifPresent(state -> store.vm(domain.uuid())
                    .filter(vm -> vm.state() != state)
                    .ifPresent(vm -> {
                        store.put(vm.withState(state));
                        LOG.debug("VM {} is {} on {}", vm.id(), state, domain.hostId());
                    }));
        } catch (RuntimeException e) {
            LOG.warn("could not record {} of domain {} on {}: {}", domain.kind(), domain.uuid(), domain.hostId(),
                    e.toString());
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
