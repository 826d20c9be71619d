package dev.paddock.hypervisor;

import dev.paddock.model.HostCpu;
import dev.paddock.model.Resources;
import java.util.Set;

/**
 * What a hypervisor host says of itself.
 *
 * @param hostUuid the hypervisor's own host UUID (libvirt's {@code host_uuid}), stable across reconnects
 * @param hypervisorType for example "QEMU" or "Xen" or "sim"
 * @param cpuModel the host CPU's model as libvirt names it (for example "Skylake-Client-IBRS"), or "unknown"
 * @param capacity the resources the host offers, in Paddock's units; its disk is what the host's started storage
 *     pools hold ({@link dev.paddock.storage.HostStorage})
 * @param cpuVendor the host CPU's vendor ("Intel", "AMD"), "" when not reported
 * @param cpuFeatures the features libvirt lists beyond those of {@code cpuModel}
 */
public record HostFacts(
        String hostId,
        String uri,
        String hostname,
        String hostUuid,
        String hypervisorType,
        String hypervisorVersion,
        String cpuModel,
        int cpus,
        int numaNodes,
        Resources capacity,
        String cpuVendor,
        Set<String> cpuFeatures) {

    public HostFacts {
        cpuVendor = cpuVendor == null ? "" : cpuVendor;
        cpuFeatures = cpuFeatures == null ? Set.of() : Set.copyOf(cpuFeatures);
    }

    /** The host's CPU: vendor, model and features. */
    public HostCpu cpu() {
        return new HostCpu(cpuVendor, cpuModel, cpuFeatures);
    }

    /** The same facts with {@code diskGib} of disk capacity (what the host's storage pools hold now). */
    public HostFacts withDiskGib(long diskGib) {
        Resources disk = Resources.of(capacity.cpuMillicores(), capacity.memoryMib(), diskGib, capacity.networkMbps());
        return new HostFacts(hostId, uri, hostname, hostUuid, hypervisorType, hypervisorVersion, cpuModel, cpus,
                numaNodes, disk, cpuVendor, cpuFeatures);
    }

    /** Facts whose CPU is known by model only. */
    public HostFacts(String hostId, String uri, String hostname, String hostUuid, String hypervisorType,
            String hypervisorVersion, String cpuModel, int cpus, int numaNodes, Resources capacity) {
        this(hostId, uri, hostname, hostUuid, hypervisorType, hypervisorVersion, cpuModel, cpus, numaNodes, capacity,
                "", Set.of());
    }
}
