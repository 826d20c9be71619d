package dev.paddock.inventory;

import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.model.Network;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which Paddock networks the hosts' libvirt networks make. Pure: the hosts' reports and the stored networks in,
 * the networks to write and to remove out.
 *
 * <p>A libvirt network of one name on several hosts of a site is one Paddock network carried by those hosts. A host
 * that did not answer keeps what it carried: nothing is known of it. A network declared by hand (no carriers) stays
 * carried by every host of its site until some host reports a libvirt network of its name; from then on it is
 * carried by the hosts that do. A network whose last carrier dropped it is removed: no host carries it any more, and
 * placement says so of a VM that needs it. A network defined but stopped on a host stays carried by it, marked
 * stopped: placement does not count it, and deleting the network still undefines it there.
 */
final class NetworkDiscovery {

    private NetworkDiscovery() {}

    /** What to write: networks new or carried differently, and networks no host carries any more. */
    record Changes(List<Network> put, List<Network> removed) {
        boolean isEmpty() {
            return put.isEmpty() && removed.isEmpty();
        }
    }

    private record Key(String siteId, String name) {}

    /**
     * @param reported by host id, the libvirt networks of every host that answered
     * @param siteOf by host id, the site of each host that answered
     * @param known the stored networks
     */
    static Changes reconcile(Map<String, List<HostNetwork>> reported, Map<String, String> siteOf, List<Network> known) {
        Map<Key, Map<String, Network.Carrier>> seen = new LinkedHashMap<>();
        Map<Key, Set<OptionalInt>> vlans = new HashMap<>();
        reported.forEach((hostId, networks) -> {
            String site = siteOf.get(hostId);
            if (site == null) {
                return;
            }
            for (HostNetwork network : networks) {
                seen.computeIfAbsent(new Key(site, network.name()), k -> new TreeMap<>())
                        .put(hostId, new Network.Carrier(network.name(), network.bridge(), !network.active(),
                                network.virtualPort().equals("openvswitch"), network.vlan()));
                vlans.computeIfAbsent(new Key(site, network.name()), k -> new HashSet<>()).add(network.vlan());
            }
        });
        List<Network> put = new ArrayList<>();
        List<Network> removed = new ArrayList<>();
        for (Network network : known) {
            Map<String, Network.Carrier> carriers = new TreeMap<>(network.carriers());
            carriers.keySet().removeIf(reported::containsKey);
            carriers.putAll(seen.getOrDefault(new Key(network.siteId(), network.name()), Map.of()));
            seen.remove(new Key(network.siteId(), network.name()));
            if (carriers.equals(network.carriers())) {
                continue;
            }
            if (carriers.isEmpty()) {
                removed.add(network);
            } else {
                put.add(network.withCarriers(carriers));
            }
        }
        // a network found on hosts has their VLAN when they agree on one
        seen.forEach((key, carriers) -> {
            Set<OptionalInt> tags = vlans.getOrDefault(key, Set.of());
            OptionalInt vlan = tags.size() == 1 ? tags.iterator().next() : OptionalInt.empty();
            put.add(new Network(Network.idFor(key.siteId(), key.name()), key.siteId(), key.name(), vlan, false,
                    Set.of(), carriers));
        });
        return new Changes(List.copyOf(put), List.copyOf(removed));
    }
}
