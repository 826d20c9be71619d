package dev.paddock.hypervisor;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
 * A libvirt network Paddock defines on a host: in bridge mode over an existing host bridge, or, without one, an
 * isolated network whose bridge libvirt makes itself ({@link #ownBridge}): VMs on it reach each other on that host
 * and nothing else.
 *
 * <p>Over an Open vSwitch switch ({@code openvswitch}), libvirt plugs each VM's port into the switch and gives it the
 * network's 802.1Q tag ({@code vlan}): the port is an access port of that VLAN, and VMs of the same VLAN on any host
 * whose switch joins the same trunk share one segment. A VLAN needs a switch: a Linux bridge takes no tags from
 * libvirt.
 *
 * @param name the libvirt network's name, the same on every host that carries the Paddock network
 * @param hostBridge the host bridge (or switch) to lay it over, empty for an isolated network
 * @param openvswitch true when {@code hostBridge} is an Open vSwitch switch
 * @param vlan the VLAN of the network's ports, 1 to 4094; empty for untagged ports
 */
public record NetworkSpec(String name, Optional<String> hostBridge, boolean openvswitch, OptionalInt vlan) {

    /** Linux limits an interface name to 15 characters. */
    private static final int INTERFACE_NAME_MAX = 15;

    public NetworkSpec {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("a network name takes letters, digits, '-', '_' and '.' (at most 64), not "
                    + name);
        }
        hostBridge = hostBridge == null ? Optional.empty() : hostBridge;
        vlan = vlan == null ? OptionalInt.empty() : vlan;
        if (openvswitch && hostBridge.isEmpty()) {
            throw new IllegalArgumentException("an Open vSwitch network names its switch");
        }
        if (vlan.isPresent() && !openvswitch) {
            throw new IllegalArgumentException("a VLAN needs an Open vSwitch switch: a Linux bridge takes no tags");
        }
        if (vlan.isPresent() && (vlan.getAsInt() < 1 || vlan.getAsInt() > 4094)) {
            throw new IllegalArgumentException("a VLAN id is from 1 to 4094, not " + vlan.getAsInt());
        }
        hostBridge.ifPresent(bridge -> {
            if (!bridge.matches("[A-Za-z0-9_.-]{1," + INTERFACE_NAME_MAX + "}")) {
                throw new IllegalArgumentException("a bridge device name takes at most " + INTERFACE_NAME_MAX
                        + " letters, digits, '-', '_' and '.', not " + bridge);
            }
        });
    }

    /** Over a Linux bridge, or isolated without one. */
    public NetworkSpec(String name, Optional<String> hostBridge) {
        this(name, hostBridge, false, OptionalInt.empty());
    }

    public static NetworkSpec isolated(String name) {
        return new NetworkSpec(name, Optional.empty());
    }

    public static NetworkSpec overBridge(String name, String hostBridge) {
        return new NetworkSpec(name, Optional.of(hostBridge));
    }

    /** Over Open vSwitch switch {@code bridge}, its ports in {@code vlan} (untagged when empty). */
    public static NetworkSpec overSwitch(String name, String bridge, OptionalInt vlan) {
        return new NetworkSpec(name, Optional.of(bridge), true, vlan);
    }

    /** True when {@code held}, a host's libvirt network, is the network this spec defines. */
    public boolean isHeldAs(HostNetwork held) {
        return held.name().equals(name) && held.forwardMode().equals(forwardMode()) && held.bridge().equals(bridge())
                && held.virtualPort().equals(virtualPort()) && held.vlan().equals(vlan);
    }

    /** How a host's network is laid, in words: "on switch sw0 in VLAN 10", "on bridge br0", "isolated on ...". */
    public static String describe(HostNetwork held) {
        return (held.forwardMode().isEmpty() ? "isolated" : "in " + held.forwardMode() + " mode")
                + (held.virtualPort().equals("openvswitch") ? " on switch " : " on bridge ")
                + (held.bridge().isEmpty() ? "(none)" : held.bridge())
                + (held.vlan().isPresent() ? " in VLAN " + held.vlan().getAsInt() : "");
    }

    /** This spec in the same words. */
    public String describe() {
        return (hostBridge.isEmpty() ? "isolated" : "in bridge mode") + (openvswitch ? " on switch " : " on bridge ")
                + bridge() + (vlan.isPresent() ? " in VLAN " + vlan.getAsInt() : "");
    }

    /** libvirt's {@code <virtualport type>} of the network's ports: "openvswitch", or empty. */
    public String virtualPort() {
        return openvswitch ? "openvswitch" : "";
    }

    /** "bridge" over a host bridge, empty (no forward) for an isolated network. */
    public String forwardMode() {
        return hostBridge.isPresent() ? "bridge" : "";
    }

    /**
     * The bridge device the network's ports join: the host bridge, or for an isolated network {@code pdk} and a hash
     * of the name, the same on every host and within Linux's 15 characters, so defining it again names the same one.
     */
    public String bridge() {
        return hostBridge.orElseGet(() -> ownBridge(name));
    }

    static String ownBridge(String name) {
        var crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return String.format("pdk%08x", crc.getValue());
    }
}
