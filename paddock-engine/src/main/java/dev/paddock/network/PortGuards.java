package dev.paddock.network;

import dev.paddock.hypervisor.PortGuard;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each host's switches must enforce on the ports of the VMs placed there, read from the room: every NIC on a
 * network a host carries over an Open vSwitch switch is guarded against spoofing (it sends only with its MAC and, when
 * known, its addresses) unless the NIC is trusted, and a NIC on an isolated network hears nothing from the network's
 * other VMs, on whichever host they run; what it shares with the rest of the network (the gateway, the uplink) is
 * untouched. Pure.
 */
public final class PortGuards {

    private PortGuards() {
    }

    /** A switch of a host. */
    public record SwitchOf(String hostId, String switchName) {}

    /**
     * By host and switch, the guards it must enforce; every Open vSwitch switch that carries a network of the room on a
     * host is present, with no guard when no VM of the host has a NIC there (so that guards given before are lifted).
     */
    public static Map<SwitchOf, List<PortGuard>> plan(Room room) {
        Map<String, Set<String>> macsOnNetwork = new HashMap<>();
        for (Vm vm : room.vms()) {
            for (Nic nic : vm.nics()) {
                if (!nic.mac().isEmpty()) {
                    macsOnNetwork.computeIfAbsent(nic.networkId(), id -> new HashSet<>()).add(nic.mac());
                }
            }
        }
        Map<SwitchOf, List<PortGuard>> plan = new TreeMap<>(java.util.Comparator.comparing(SwitchOf::hostId)
                .thenComparing(SwitchOf::switchName));
        for (Network network : room.networks()) {
            network.carriers().forEach((hostId, carrier) -> {
                if (carrier.openvswitch() && !carrier.bridge().isEmpty()) {
                    plan.putIfAbsent(new SwitchOf(hostId, carrier.bridge()), new ArrayList<>());
                }
            });
        }
        for (Vm vm : room.vms()) {
            if (vm.hostId().isEmpty()) {
                continue;
            }
            String hostId = vm.hostId().get();
            for (Nic nic : vm.nics()) {
                Network network = room.network(nic.networkId()).orElse(null);
                Network.Carrier carrier = network == null ? null : network.carriers().get(hostId);
                if (carrier == null || !carrier.openvswitch() || carrier.bridge().isEmpty() || nic.mac().isEmpty()) {
                    continue;
                }
                Set<String> peers = network.isolated() ? macsOnNetwork.getOrDefault(network.id(), Set.of()) : Set.of();
                plan.get(new SwitchOf(hostId, carrier.bridge())).add(new PortGuard(nic.mac(), nic.addresses(),
                        nic.trusted(), peers));
            }
        }
        return plan;
    }
}
