package dev.paddock.model;

import java.util.Set;

/**
 * A physical server running a hypervisor.
 *
 * @param uri the hypervisor connection URI (for example {@code qemu+tcp://10.77.0.1/system} or {@code sim://h1})
 * @param capacity what the host offers to VMs
 * @param licences licence names the host carries (for example an operating system or database licence)
 * @param cpu the host's CPU as its hypervisor reported it when it was last attached ({@link HostCpu#UNKNOWN} until
 *     then): what a VM running there keeps across a live migration
 */
public record Host(
        String id,
        String clusterId,
        String name,
        String uri,
        Resources capacity,
        HostState state,
        PowerState power,
        Set<String> licences,
        HostCpu cpu) {
    public Host {
        Ids.require(id, "host id");
        Ids.require(clusterId, "host cluster id");
        Ids.require(name, "host name");
        Ids.require(uri, "host uri");
        java.util.Objects.requireNonNull(capacity, "capacity");
        java.util.Objects.requireNonNull(state, "state");
        java.util.Objects.requireNonNull(power, "power");
        licences = Set.copyOf(licences);
        cpu = cpu == null ? HostCpu.UNKNOWN : cpu;
    }

    /** A host whose CPU is not known yet. */
    public Host(String id, String clusterId, String name, String uri, Resources capacity, HostState state,
            PowerState power, Set<String> licences) {
        this(id, clusterId, name, uri, capacity, state, power, licences, HostCpu.UNKNOWN);
    }

    public Host withState(HostState newState) {
        return new Host(id, clusterId, name, uri, capacity, newState, power, licences, cpu);
    }

    public Host withPower(PowerState newPower) {
        return new Host(id, clusterId, name, uri, capacity, state, newPower, licences, cpu);
    }

    public Host withCpu(HostCpu newCpu) {
        return new Host(id, clusterId, name, uri, capacity, state, power, licences, newCpu);
    }

    public Host withCapacity(Resources newCapacity) {
        return new Host(id, clusterId, name, uri, newCapacity, state, power, licences, cpu);
    }

    /** True when the host may receive new VMs. */
    public boolean acceptsVms() {
        return state == HostState.CONNECTED && power != PowerState.OFF;
    }
}
