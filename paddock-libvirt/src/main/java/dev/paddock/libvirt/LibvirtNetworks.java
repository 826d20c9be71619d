package dev.paddock.libvirt;

import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.hypervisor.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.libvirt.Connect;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.Interface;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/**
 * A host's libvirt networks and bridges. Networks are listed by name, active ones first (virConnectListNetworks,
 * then virConnectListDefinedNetworks: libvirt-java 0.5.4 has no virConnectListAllNetworks). Bridges come from
 * libvirt's interface API, whose udev backend reads the devices of libvirtd's own network namespace: a device's XML
 * says whether it is a bridge. libvirt-java 0.5.4 has no virConnectListAllInterfaces either, and the older
 * virConnectListInterfaces and virConnectListDefinedInterfaces list only devices whose operstate is "up" and "down":
 * a bridge no port has joined yet reads "unknown" and is in neither (the lab's vmbr0). So a bridge Paddock needs is
 * looked up by name (virInterfaceLookupByName), which finds it whatever its state.
 */
final class LibvirtNetworks {

    private LibvirtNetworks() {}

    static List<HostNetwork> list(Connect connect) throws LibvirtException {
        Set<String> names = new LinkedHashSet<>(List.of(connect.listNetworks()));
        names.addAll(List.of(connect.listDefinedNetworks()));
        List<HostNetwork> networks = new ArrayList<>(names.size());
        for (String name : names) {
            find(connect, name).ifPresent(network -> {
                try {
                    networks.add(read(network));
                } finally {
                    free(network);
                }
            });
        }
        return List.copyOf(networks);
    }

    /**
     * The bridges libvirt lists, and the bridges of the host's networks looked up by name: the legacy listing calls
     * return only interfaces whose operstate is "up" or "down", so a bridge no port ever joined ("unknown") is
     * missing from them.
     */
    static List<HostBridge> bridges(Connect connect) throws LibvirtException {
        Set<String> names = new LinkedHashSet<>(List.of(connect.listInterfaces()));
        names.addAll(List.of(connect.listDefinedInterfaces()));
        for (HostNetwork network : list(connect)) {
            if (!network.bridge().isEmpty()) {
                names.add(network.bridge());
            }
        }
        List<HostBridge> bridges = new ArrayList<>();
        for (String name : names) {
            bridge(connect, name).ifPresent(bridges::add);
        }
        return List.copyOf(bridges);
    }

    /** The host's bridge device of that name, whatever its state; empty when there is none or it is no bridge. */
    static Optional<HostBridge> bridge(Connect connect, String name) throws LibvirtException {
        Interface device;
        try {
            device = connect.interfaceLookupByName(name);
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_INTERFACE) {
                return Optional.empty();
            }
            throw e;
        }
        try {
            return NetworkXml.readBridge(device.getXMLDescription(0), device.isActive() == 1);
        } finally {
            device.free();
        }
    }

    /** Defines, starts and autostarts the network unless the host holds it already; see the port's contract. */
    static HostNetwork define(Connect connect, String hostId, NetworkSpec spec) throws LibvirtException {
        Optional<Network> existing = find(connect, spec.name());
        if (existing.isEmpty() && spec.openvswitch()) {
            // libvirt cannot tell an Open vSwitch switch from another device: the switch's own port must exist
            if (!deviceExists(connect, spec.bridge())) {
                throw new HypervisorException(Reason.INVALID_ARGUMENT, "host " + hostId + " has no switch "
                        + spec.bridge() + " to lay network " + spec.name() + " over");
            }
        } else if (existing.isEmpty() && spec.hostBridge().isPresent()) {
            if (bridge(connect, spec.bridge()).isEmpty()) {
                throw new HypervisorException(Reason.INVALID_ARGUMENT, "host " + hostId + " has no bridge "
                        + spec.bridge() + " to lay network " + spec.name() + " over");
            }
        }
        Network network = existing.isPresent() ? existing.get() : connect.networkDefineXML(NetworkXml.render(spec));
        try {
            HostNetwork held = read(network);
            if (!NetworkXml.matches(spec, held)) {
                throw new HypervisorException(Reason.ALREADY_EXISTS, "host " + hostId + " has a network "
                        + spec.name() + " already, " + describe(held) + ", not " + describe(spec));
            }
            if (!network.getAutostart()) {
                network.setAutostart(true);
            }
            if (network.isActive() != 1) {
                network.create();
            }
            return read(network);
        } finally {
            free(network);
        }
    }

    /** Stops and undefines the network; a no-op when the host has none of that name. */
    static void undefine(Connect connect, String name) throws LibvirtException {
        Optional<Network> found = find(connect, name);
        if (found.isEmpty()) {
            return;
        }
        Network network = found.get();
        try {
            if (network.isActive() == 1) {
                network.destroy();
            }
            if (network.isPersistent() == 1) {
                network.undefine();
            }
        } finally {
            free(network);
        }
    }

    private static HostNetwork read(Network network) {
        try {
            return NetworkXml.read(network.getXMLDesc(0), network.isActive() == 1);
        } catch (LibvirtException e) {
            throw LibvirtErrors.translate("read network", e);
        }
    }

    private static String describe(HostNetwork held) {
        return NetworkSpec.describe(held);
    }

    private static String describe(NetworkSpec spec) {
        return spec.describe();
    }

    /** Whether the host has a network device of that name, of any kind. */
    private static boolean deviceExists(Connect connect, String name) throws LibvirtException {
        try {
            connect.interfaceLookupByName(name).free();
            return true;
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_INTERFACE) {
                return false;
            }
            throw e;
        }
    }

    private static Optional<Network> find(Connect connect, String name) throws LibvirtException {
        try {
            return Optional.of(connect.networkLookupByName(name));
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_NETWORK) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static void free(Network network) {
        try {
            network.free();
        } catch (LibvirtException e) {
            // Freeing only drops our reference; nothing to do if libvirt already let go.
        }
    }
}
