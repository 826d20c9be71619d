package dev.paddock.model;

import java.util.OptionalLong;

/**
 * A virtual network interface of a VM, attached to a Paddock network.
 *
 * @param inboundKbps the most traffic into the VM through it, in kilobits per second; empty for no limit
 * @param outboundKbps the most traffic out of the VM through it, in kilobits per second; empty for no limit
 */
public record Nic(String networkId, String mac, OptionalLong inboundKbps, OptionalLong outboundKbps) {

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
    }

    /** A NIC without traffic limits. */
    public Nic(String networkId, String mac) {
        this(networkId, mac, OptionalLong.empty(), OptionalLong.empty());
    }

    /** The same NIC with another MAC. */
    public Nic withMac(String newMac) {
        return new Nic(networkId, newMac, inboundKbps, outboundKbps);
    }

    private static void requireLimit(OptionalLong kbps, String direction) {
        if (kbps.isPresent() && (kbps.getAsLong() < MIN_KBPS || kbps.getAsLong() > MAX_KBPS)) {
            throw new IllegalArgumentException("An " + direction + " limit is from " + MIN_KBPS + " to " + MAX_KBPS
                    + " kbit/s, not " + kbps.getAsLong() + ".");
        }
    }
}
