package dev.paddock.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A virtual network interface of a VM, attached to a Paddock network.
 *
 * @param inboundKbps the most traffic into the VM through it, in kilobits per second; empty for no limit
 * @param outboundKbps the most traffic out of the VM through it, in kilobits per second; empty for no limit
 * @param mirror where its switch port's traffic is copied to (an intrusion detection system's port), empty for nowhere
 * @param addresses the IPv4 addresses the guest was given on it (a static address of its cloud-init seed, or as asked):
 *     on a switch that guards its ports, the only ones it may send from; empty when they are not known (DHCP), which
 *     leaves only its MAC checked
 * @param trusted true when the guest may send with any MAC and address (a router, a firewall, a load balancer):
 *     its port is not guarded against spoofing
 */
public record Nic(String networkId, String mac, OptionalLong inboundKbps, OptionalLong outboundKbps,
        Optional<Mirror> mirror, List<String> addresses, boolean trusted) {

    /** A NIC stored before addresses and trust were kept, or made without them. */
    public Nic(String networkId, String mac, OptionalLong inboundKbps, OptionalLong outboundKbps,
            Optional<Mirror> mirror) {
        this(networkId, mac, inboundKbps, outboundKbps, mirror, List.of(), false);
    }

    /** The largest limit: 100 Gbit/s. */
    public static final long MAX_KBPS = 100_000_000L;
    /** The smallest: 8 kbit/s, one kilobyte a second, libvirt's unit. */
    public static final long MIN_KBPS = 8L;

    public Nic {
        Ids.require(networkId, "nic network id");
        mac = mac == null ? "" : mac;
        // a NIC stored before traffic limits has neither
        inboundKbps = inboundKbps == null ? OptionalLong.empty() : inboundKbps;
        outboundKbps = outboundKbps == null ? OptionalLong.empty() : outboundKbps;
        requireLimit(inboundKbps, "inbound");
        requireLimit(outboundKbps, "outbound");
        mirror = mirror == null ? Optional.empty() : mirror;
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        for (String address : addresses) {
            if (!isIpv4(address)) {
                throw new IllegalArgumentException("A NIC's address is an IPv4 address such as 10.0.0.5, not '"
                        + address + "'.");
            }
        }
    }

    /** A NIC without traffic limits, mirrored nowhere. */
    public Nic(String networkId, String mac) {
        this(networkId, mac, OptionalLong.empty(), OptionalLong.empty(), Optional.empty());
    }

    /** A NIC with traffic limits, mirrored nowhere. */
    public Nic(String networkId, String mac, OptionalLong inboundKbps, OptionalLong outboundKbps) {
        this(networkId, mac, inboundKbps, outboundKbps, Optional.empty());
    }

    /**
     * The same NIC with another MAC, mirrored nowhere (a copy of a VM's NIC); its addresses stay, since a copy's
     * guest configures the same ones.
     */
    public Nic withMac(String newMac) {
        return new Nic(networkId, newMac, inboundKbps, outboundKbps, Optional.empty(), addresses, trusted);
    }

    /** The same NIC mirrored as {@code newMirror} says, or nowhere. */
    public Nic withMirror(Optional<Mirror> newMirror) {
        return new Nic(networkId, mac, inboundKbps, outboundKbps, newMirror, addresses, trusted);
    }

    /** The same NIC with the guest's addresses on it. */
    public Nic withAddresses(List<String> newAddresses) {
        return new Nic(networkId, mac, inboundKbps, outboundKbps, mirror, newAddresses, trusted);
    }

    /** The same NIC, trusted to send as anyone or not. */
    public Nic withTrust(boolean isTrusted) {
        return new Nic(networkId, mac, inboundKbps, outboundKbps, mirror, addresses, isTrusted);
    }

    /** True when {@code text} is a dotted IPv4 address. */
    public static boolean isIpv4(String text) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        for (String part : text.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Which of a port's traffic a mirror copies, from the VM's side. */
    public enum Direction {
        /** What the VM receives. */
        IN,
        /** What the VM sends. */
        OUT,
        /** Both ways. */
        BOTH
    }

    /**
     * A copy of a NIC's traffic sent out of another port of the same switch: where an intrusion detection system, or
     * a capture, listens.
     *
     * @param port the switch port that receives the copies (a host's monitoring port)
     */
    public record Mirror(String port, Direction direction) {
        public Mirror {
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(direction, "direction");
            if (!port.matches("[A-Za-z0-9_.-]{1,15}")) {
                throw new IllegalArgumentException("A switch port's name is 1 to 15 letters, digits, '-', '_' or"
                        + " '.', not '" + port + "'.");
            }
        }
    }

    private static void requireLimit(OptionalLong kbps, String direction) {
        if (kbps.isPresent() && (kbps.getAsLong() < MIN_KBPS || kbps.getAsLong() > MAX_KBPS)) {
            throw new IllegalArgumentException("An " + direction + " limit is from " + MIN_KBPS + " to " + MAX_KBPS
                    + " kbit/s, not " + kbps.getAsLong() + ".");
        }
    }
}
