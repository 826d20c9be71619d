package dev.paddock.hypervisor;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a switch enforces on one VM NIC's port: what the guest may send from it, and whom it may not hear from.
 *
 * @param mac the NIC's MAC address, by which the switch knows its port
 * @param addresses the IPv4 addresses the guest may send from; empty when they are not known, which checks only the MAC
 * @param trusted true when the guest may send with any MAC and address: no anti-spoofing on its port
 * @param unreachableFrom the MACs whose frames never reach this NIC: the other VMs of an isolated network
 */
public record PortGuard(String mac, List<String> addresses, boolean trusted, Set<String> unreachableFrom) {

    public PortGuard {
        mac = mac.toLowerCase(Locale.ROOT);
        addresses = List.copyOf(addresses);
        TreeSet<String> peers = new TreeSet<>();
        unreachableFrom.forEach(peer -> peers.add(peer.toLowerCase(Locale.ROOT)));
        peers.remove(mac);
        unreachableFrom = java.util.Collections.unmodifiableSet(peers);
    }
}
