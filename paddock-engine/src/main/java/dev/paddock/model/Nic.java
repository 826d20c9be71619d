package dev.paddock.model;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A virtual network interface of a VM, attached to a Paddock network.
 *
 * @param inboundKbps the most traffic into the VM through it, in kilobits per second; empty for no limit
 * @param outboundKbps the most traffic out of the VM through it, in kilobits per second; empty for no limit
 * @param mirror where its switch port's traffic is copied to (an intrusion detection system's port), empty for nowhere
 */
public record Nic(String networkId, String mac, OptionalLong inboundKbps, OptionalLong outboundKbps,
        Optional<Mirror> mirror) {

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
    }

    /** A NIC without traffic limits, mirrored nowhere. */
    public Nic(String networkId, String mac) {
        this(networkId, mac, OptionalLong.empty(), OptionalLong.empty(), Optional.empty());
    }

    /** A NIC with traffic limits, mirrored nowhere. */
    public Nic(String networkId, String mac, OptionalLong inboundKbps, OptionalLong outboundKbps) {
        this(networkId, mac, inboundKbps, outboundKbps, Optional.empty());
    }

    /** The same NIC with another MAC (a copy of a VM's NIC is mirrored nowhere). */
    public Nic withMac(String newMac) {
        return new Nic(networkId, newMac, inboundKbps, outboundKbps, Optional.empty());
    }

    /** The same NIC mirrored as {@code newMirror} says, or nowhere. */
    public Nic withMirror(Optional<Mirror> newMirror) {
        return new Nic(networkId, mac, inboundKbps, outboundKbps, newMirror);
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
