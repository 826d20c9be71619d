package dev.paddock.model;

import java.util.OptionalInt;
import java.util.Set;

/**
 * A virtual network of a site.
 *
 * @param vlan the 802.1Q VLAN id (1..4094), empty for an untagged network
 * @param isolated true when VMs on it may not talk to each other (private VLAN style L2 isolation)
 * @param mirrorPorts VM NIC MACs whose traffic is mirrored to this network's monitor port (IDS)
 */
public record Network(String id, String siteId, String name, OptionalInt vlan, boolean isolated, Set<String> mirrorPorts) {
    public Network {
        Ids.require(id, "network id");
        Ids.require(siteId, "network site id");
        Ids.require(name, "network name");
        java.util.Objects.requireNonNull(vlan, "vlan");
        if (vlan.isPresent() && (vlan.getAsInt() < 1 || vlan.getAsInt() > 4094)) {
            throw new IllegalArgumentException("VLAN id must be between 1 and 4094, was " + vlan.getAsInt());
        }
        mirrorPorts = Set.copyOf(mirrorPorts);
    }
}
