package dev.paddock.sim;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Nic;
import dev.paddock.model.VmState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A simulated domain, mutable, guarded by the sim's lock. */
final class SimDomain {

    DomainSpec spec;
    VmState state;
    /** When a requested guest shutdown completes, while one is under way. */
    Optional<Instant> stopsAt = Optional.empty();
    boolean migrating;
    /** When the watchdog of a hung guest fires, while the guest hangs; a fresh boot ends the hang. */
    Optional<Instant> watchdogFiresAt = Optional.empty();
    /** By NIC MAC, where its switch port is mirrored to: the running domain's ports' state, gone when it stops. */
    final Map<String, Nic.Mirror> mirrors = new HashMap<>();
    /** The state file's encoding of {@link #spec}, kept while the spec stays the same object. */
    private DomainSpec encodedSpec;
    private String encoded;

    SimDomain(DomainSpec spec, VmState state) {
        this.spec = spec;
        this.state = state;
    }

    /** The state file's fields for the spec, encoded once per definition rather than on every write. */
    String encodedSpec(Function<DomainSpec, String> encoder) {
        if (encodedSpec != spec) {
            encoded = encoder.apply(spec);
            encodedSpec = spec;
        }
        return encoded;
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
