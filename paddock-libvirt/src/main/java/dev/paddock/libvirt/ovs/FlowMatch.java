package dev.paddock.libvirt.ovs;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The fields an OpenFlow 1.0 flow of Paddock's matches on; every other field is wildcarded. An absent field is
 * {@code -1} (port, Ethertype) or empty (addresses).
 *
 * @param inPort the switch port the packet arrives on, -1 for any
 * @param ethSource its Ethernet source, "" for any
 * @param ethDestination its Ethernet destination, "" for any
 * @param ethType its Ethertype (0x0800 IPv4, 0x0806 ARP), -1 for any
 * @param ipSource its IPv4 source (for ARP, the sender's protocol address), "" for any; needs an Ethertype
 */
public record FlowMatch(int inPort, String ethSource, String ethDestination, int ethType, String ipSource) {

    static final int IN_PORT = 1;
    static final int DL_SRC = 1 << 2;
    static final int DL_DST = 1 << 3;
    static final int DL_TYPE = 1 << 4;
    static final int NW_SRC_SHIFT = 8;
    /** OFPFW_ALL: every field of OpenFlow 1.0's match wildcarded. */
    static final int ALL = (1 << 22) - 1;
    /** The bytes of {@code ofp_match}. */
    static final int LENGTH = 40;

    public FlowMatch {
        ethSource = ethSource == null ? "" : ethSource.toLowerCase(Locale.ROOT);
        ethDestination = ethDestination == null ? "" : ethDestination.toLowerCase(Locale.ROOT);
        ipSource = ipSource == null ? "" : ipSource;
        if (!ipSource.isEmpty() && ethType < 0) {
            throw new IllegalArgumentException("an IPv4 source is matched within an Ethertype");
        }
    }

    public static FlowMatch any() {
        return new FlowMatch(-1, "", "", -1, "");
    }

    public FlowMatch inPort(int port) {
        return new FlowMatch(port, ethSource, ethDestination, ethType, ipSource);
    }

    public FlowMatch from(String mac) {
        return new FlowMatch(inPort, mac, ethDestination, ethType, ipSource);
    }

    public FlowMatch to(String mac) {
        return new FlowMatch(inPort, ethSource, mac, ethType, ipSource);
    }

    public FlowMatch ethType(int type) {
        return new FlowMatch(inPort, ethSource, ethDestination, type, ipSource);
    }

    public FlowMatch ipFrom(String address) {
        return new FlowMatch(inPort, ethSource, ethDestination, ethType, address);
    }

    /** The 40 bytes of OpenFlow 1.0's {@code ofp_match}. */
    byte[] encode() {
        ByteBuffer match = ByteBuffer.allocate(LENGTH);
        int wildcards = ALL;
        if (inPort >= 0) {
            wildcards &= ~IN_PORT;
            match.putShort(4, (short) inPort);
        }
        if (!ethSource.isEmpty()) {
            wildcards &= ~DL_SRC;
            match.put(6, mac(ethSource));
        }
        if (!ethDestination.isEmpty()) {
            wildcards &= ~DL_DST;
            match.put(12, mac(ethDestination));
        }
        if (ethType >= 0) {
            wildcards &= ~DL_TYPE;
            match.putShort(22, (short) ethType);
        }
        if (!ipSource.isEmpty()) {
            // all 32 bits of the source matched: zero bits wildcarded
            wildcards &= ~(0x3f << NW_SRC_SHIFT);
            match.put(28, ipv4(ipSource));
        }
        match.putInt(0, wildcards);
        return match.array();
    }

    private static byte[] mac(String mac) {
        if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw new IllegalArgumentException("not a MAC address: " + mac);
        }
        return HexFormat.ofDelimiter(":").parseHex(mac);
    }

    private static byte[] ipv4(String address) {
        String[] parts = address.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(parts[i]);
            if (part < 0 || part > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + address);
            }
            bytes[i] = (byte) part;
        }
        return bytes;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (inPort >= 0) {
            text.append("in_port=").append(inPort).append(',');
        }
        if (ethType >= 0) {
            text.append("dl_type=0x").append(String.format("%04x", ethType)).append(',');
        }
        if (!ethSource.isEmpty()) {
            text.append("dl_src=").append(ethSource).append(',');
        }
        if (!ethDestination.isEmpty()) {
            text.append("dl_dst=").append(ethDestination).append(',');
        }
        if (!ipSource.isEmpty()) {
            text.append("nw_src=").append(ipSource).append(',');
        }
        return text.isEmpty() ? "any" : text.substring(0, text.length() - 1);
    }
}
