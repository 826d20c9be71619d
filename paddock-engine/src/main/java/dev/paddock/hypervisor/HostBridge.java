package dev.paddock.hypervisor;

import java.util.List;

/**
 * A bridge device of a host, one a libvirt network in bridge mode can be laid over.
 *
 * @param ports the devices enslaved to it (uplinks, other hosts' veths), in the host's order
 */
public record HostBridge(String name, String mac, boolean active, List<String> ports) {
    public HostBridge {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }
}
