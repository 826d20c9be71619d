package dev.paddock.sim;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.VmState;
import java.time.Instant;
import java.util.Optional;

/** A simulated domain, mutable, guarded by the sim's lock. */
final class SimDomain {

    DomainSpec spec;
    VmState state;
    /** When a requested guest shutdown completes, while one is under way. */
    Optional<Instant> stopsAt = Optional.empty();
    boolean migrating;

    SimDomain(DomainSpec spec, VmState state) {
        this.spec = spec;
        this.state = state;
    }

    /** Running or paused: it holds memory and cpu on its host. */
    boolean isActive() {
        return state == VmState.RUNNING || state == VmState.PAUSED;
    }

    DomainInfo info(String hostId) {
        return new DomainInfo(spec.uuid(), spec.name(), hostId, state, spec.vcpus(), spec.memoryMib(), true);
    }

    /** What the sim charges a host for a domain: one physical core per vCPU. */
    static long millicores(DomainSpec spec) {
        return spec.vcpus() * 1000L;
    }
}
