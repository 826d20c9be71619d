package dev.paddock.hypervisor;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A libvirt network Paddock defines on a host: in bridge mode over an existing host bridge, or, without one, an
 * isolated network whose bridge libvirt makes itself ({@link #ownBridge}): VMs on it reach each other on that host
 * and nothing else.
 *
 * @param name the libvirt network's name, the same on every host that carries the Paddock network
 * @param hostBridge the host bridge to lay it over, empty for an isolated network
 */
public record NetworkSpec(String name, Optional<String> hostBridge) {

    /** Linux limits an interface name to 15 characters. */
    private static final int INTERFACE_NAME_MAX = 15;

    public NetworkSpec {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("a network name takes letters, digits, '-', '_' and '.' (at most 64), not "
                    + name);
        }
        hostBridge = hostBridge == null ? Optional.empty() : hostBridge;
        hostBridge.ifPresent(bridge -> {
            if (!bridge.matches("[A-Za-z0-9_.-]{1," + INTERFACE_NAME_MAX + "}")) {
                throw new IllegalArgumentException("a bridge device name takes at most " + INTERFACE_NAME_MAX
                        + " letters, digits, '-', '_' and '.', not " + bridge);
            }
        });
    }

    public static NetworkSpec isolated(String name) {
        return new NetworkSpec(name, Optional.empty());
    }

    public static NetworkSpec overBridge(String name, String hostBridge) {
        return new NetworkSpec(name, Optional.of(hostBridge));
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
