package dev.paddock.model;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A virtual network of a site.
 *
 * <p>A network is either carried by named hosts, each through a libvirt network of its own ({@code carriers}: read
 * from the hosts or made on them), or declared by hand without carriers, in which case every host of its site is
 * taken to carry it under its name.
 *
 * @param vlan the 802.1Q VLAN id (1..4094), empty for an untagged network
 * @param isolated true when VMs on it may not talk to each other (private VLAN style L2 isolation)
 * @param mirrorPorts VM NIC MACs whose traffic is mirrored to this network's monitor port (IDS)
 * @param carriers by host id, what carries the network on that host; empty for a network declared by hand
 */
public record Network(String id, String siteId, String name, OptionalInt vlan, boolean isolated, Set<String> mirrorPorts,
        Map<String, Carrier> carriers) {
    public Network {
        Ids.require(id, "network id");
        Ids.require(siteId, "network site id");
        Ids.require(name, "network name");
        java.util.Objects.requireNonNull(vlan, "vlan");
        if (vlan.isPresent() && (vlan.getAsInt() < 1 || vlan.getAsInt() > 4094)) {
            throw new IllegalArgumentException("VLAN id must be between 1 and 4094, was " + vlan.getAsInt());
        }
        mirrorPorts = Set.copyOf(mirrorPorts);
        // Sorted, so that two readings of the same hosts compare and print alike.
        carriers = carriers == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(carriers));
    }

    /** A network declared by hand: every host of its site carries it. */
    public Network(String id, String siteId, String name, OptionalInt vlan, boolean isolated, Set<String> mirrorPorts) {
        this(id, siteId, name, vlan, isolated, mirrorPorts, Map.of());
    }

    /**
     * The id of the network named {@code name} in a site when Paddock finds it on hosts or makes it there: derived
     * from the two, so that a network found by the inventory and the same one recorded by the operation that made it
     * are one row, whichever writes first.
     */
    public static String idFor(String siteId, String name) {
        return java.util.UUID.nameUUIDFromBytes(("network:" + siteId + ":" + name)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The hosts that carry it; empty for a network declared by hand. */
    public Set<String> hostIds() {
        return carriers.keySet();
    }

    /** True when its carriers are known, false when it was declared by hand. */
    public boolean hasCarriers() {
        return !carriers.isEmpty();
    }

    /** The same network carried by {@code newCarriers}. */
    public Network withCarriers(Map<String, Carrier> newCarriers) {
        return new Network(id, siteId, name, vlan, isolated, mirrorPorts, newCarriers);
    }

    /**
     * The layout the network's hosts should agree on: the one most of them have, on a tie the one in the recorded
     * VLAN, then the first in order; empty without carriers whose bridge libvirt has said.
     */
    public Optional<Layout> agreedLayout() {
        Map<Layout, Integer> counts = new java.util.LinkedHashMap<>();
        carriers.values().stream().filter(carrier -> !carrier.bridge().isEmpty())
                .forEach(carrier -> counts.merge(carrier.layout(), 1, Integer::sum));
        return counts.entrySet().stream().max(java.util.Comparator.<Map.Entry<Layout, Integer>>comparingInt(
                Map.Entry::getValue).thenComparing(entry -> entry.getKey().vlan().equals(vlan))
                .thenComparing(entry -> entry.getKey().describe(), java.util.Comparator.reverseOrder()))
                .map(Map.Entry::getKey);
    }

    /**
     * By host id, how each host that lays the network otherwise than {@link #agreedLayout} lays it: a VM joining it
     * there would not share a segment with the network's other VMs. Empty when the hosts agree.
     */
    public Map<String, Layout> drift() {
        Optional<Layout> agreed = agreedLayout();
        if (agreed.isEmpty()) {
            return Map.of();
        }
        Map<String, Layout> drift = new TreeMap<>();
        carriers.forEach((hostId, carrier) -> {
            if (!carrier.bridge().isEmpty() && !carrier.layout().equals(agreed.get())) {
                drift.put(hostId, carrier.layout());
            }
        });
        return drift;
    }

    /**
     * How a host lays a network: over which bridge or Open vSwitch switch, its ports in which VLAN.
     */
    public record Layout(String bridge, boolean openvswitch, OptionalInt vlan) {
        /** "on switch sw0 in VLAN 10", "on bridge br0". */
        public String describe() {
            return (openvswitch ? "on switch " : "on bridge ") + bridge
                    + (vlan.isPresent() ? " in VLAN " + vlan.getAsInt() : "");
        }
    }

    /**
     * What carries a network on one host.
     *
     * @param libvirtName the name of the host's libvirt network, the name a NIC's interface names
     * @param bridge the host's bridge device under it, empty while libvirt has not said
     * @param stopped true while the host's libvirt network is defined but not started: a NIC cannot join it, so the
     *     host does not carry the network for placement, yet it is still the host's to undefine. Stored carriers
     *     written before this was kept read as started.
     * @param openvswitch true when {@code bridge} is an Open vSwitch switch, whose ports Paddock guards (anti-spoofing,
     *     isolation) and mirrors
     * @param vlan the 802.1Q VLAN the host gives the network's ports, empty for untagged ports
     */
    public record Carrier(String libvirtName, String bridge, boolean stopped, boolean openvswitch, OptionalInt vlan) {
        public Carrier {
            Ids.require(libvirtName, "libvirt network name");
            bridge = bridge == null ? "" : bridge;
            vlan = vlan == null ? OptionalInt.empty() : vlan;
        }

        /** A started network over a Linux bridge. */
        public Carrier(String libvirtName, String bridge) {
            this(libvirtName, bridge, false);
        }

        /** A network over a Linux bridge. */
        public Carrier(String libvirtName, String bridge, boolean stopped) {
            this(libvirtName, bridge, stopped, false, OptionalInt.empty());
        }

        /** How the host lays it. */
        public Layout layout() {
            return new Layout(bridge, openvswitch, vlan);
        }
    }
}
