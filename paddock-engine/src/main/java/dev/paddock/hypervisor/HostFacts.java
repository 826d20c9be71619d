package dev.paddock.hypervisor;

import dev.paddock.model.Resources;

/**
 * What a hypervisor host says of itself.
 *
 * @param hostUuid the hypervisor's own host UUID (libvirt's {@code host_uuid}), stable across reconnects
 * @param hypervisorType for example "QEMU" or "Xen" or "sim"
 * @param capacity the resources the host offers, in Paddock's units
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
        Resources capacity) {}
