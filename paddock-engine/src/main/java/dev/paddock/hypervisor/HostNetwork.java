package dev.paddock.hypervisor;

import java.util.OptionalInt;

/**
 * A libvirt network as one host holds it.
 *
 * @param forwardMode libvirt's {@code <forward mode>} ("bridge", "nat", "route", ...), empty for an isolated network
 * @param bridge the host's bridge device the network's ports join, empty when libvirt names none
 * @param active true while it is started
 * @param virtualPort libvirt's {@code <virtualport type>} of its ports ("openvswitch"), empty when it has none
 * @param vlan the 802.1Q tag of its ports, empty for untagged ports
 */
public record HostNetwork(String name, String uuid, String forwardMode, String bridge, boolean active,
        String virtualPort, OptionalInt vlan) {

    public HostNetwork {
        virtualPort = virtualPort == null ? "" : virtualPort;
        vlan = vlan == null ? OptionalInt.empty() : vlan;
    }

    /** A network whose ports have no virtual port type and no tag. */
    public HostNetwork(String name, String uuid, String forwardMode, String bridge, boolean active) {
        this(name, uuid, forwardMode, bridge, active, "", OptionalInt.empty());
    }
}
