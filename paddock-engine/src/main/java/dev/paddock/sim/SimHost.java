package dev.paddock.sim;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.model.HostCpu;
import dev.paddock.model.Resources;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A simulated host, mutable, guarded by the sim's lock. Its domains are kept in definition order. */
final class SimHost {

    final String hostname;
    final Resources capacity;
    /** The CPU its facts report. */
    final HostCpu cpu;
    final Map<String, SimDomain> domains = new LinkedHashMap<>();
    /** Domains migrating in: their room is held on this host until the migration ends. */
    final Map<String, DomainSpec> incoming = new HashMap<>(2);
    /** Its libvirt networks by name, in definition order. */
    final Map<String, HostNetwork> networks = new LinkedHashMap<>();
    boolean poweredOn = true;
    boolean isolated;

    /** The CPU every simulated host has unless it is given another. */
    static final HostCpu DEFAULT_CPU = new HostCpu("", "sim-x86-64", java.util.Set.of());

    SimHost(String hostname, Resources capacity) {
        this(hostname, capacity, DEFAULT_CPU);
    }

    SimHost(String hostname, Resources capacity, HostCpu cpu) {
        this.hostname = hostname;
        this.capacity = capacity;
        this.cpu = cpu;
    }

    String uri() {
        return SimulatedHypervisor.SCHEME + hostname;
    }

    /** Every simulated host has one bridge, its uplink: what a network in bridge mode is laid over. */
    static final String UPLINK_BRIDGE = "br0";
    /** Every simulated host's Open vSwitch switch, on a trunk that carries every VLAN between the hosts. */
    static final String SWITCH = "sw0";
    /** The port of every simulated switch where an intrusion detection system listens: mirrors send copies there. */
    static final String MONITOR_PORT = "ids0";
    /** By switch, the port guards it enforces. */
    final Map<String, List<dev.paddock.hypervisor.PortGuard>> guards = new HashMap<>();

    /** Stable across reloads: derived from the hostname. */
    String hostUuid() {
        return UUID.nameUUIDFromBytes(("sim-host:" + hostname).getBytes(StandardCharsets.UTF_8)).toString();
    }

    boolean reachable() {
        return poweredOn && !isolated;
    }

    long usedMemoryMib() {
        long used = 0;
        for (SimDomain domain : domains.values()) {
            if (domain.isActive()) {
                used += domain.spec.memoryMib();
            }
        }
        for (DomainSpec spec : incoming.values()) {
            used += spec.memoryMib();
        }
        return used;
    }

    long usedCpuMillicores() {
        long used = 0;
        for (SimDomain domain : domains.values()) {
            if (domain.isActive()) {
                used += SimDomain.millicores(domain.spec);
            }
        }
        for (DomainSpec spec : incoming.values()) {
            used += SimDomain.millicores(spec);
        }
        return used;
    }
}
