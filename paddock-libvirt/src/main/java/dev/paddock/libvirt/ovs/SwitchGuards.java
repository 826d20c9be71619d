package dev.paddock.libvirt.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.PortGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Port guards as OpenFlow flows of one switch. A guarded port (found by the MAC libvirt writes in its interface's
 * {@code external_ids:attached-mac}) sends only frames from its MAC, and, when its addresses are known, IPv4 and ARP
 * only from them; the rest it sends is dropped. A port isolated from other MACs receives nothing from them, whatever
 * port or trunk their frames arrive on. Everything else goes on as the switch's ordinary learning forwarding sends it,
 * VLAN tags included. Priorities, highest first:
 *
 * <pre>
 *   300  dl_src=PEER, dl_dst=MAC                      drop     (isolation)
 *   200  in_port=P, dl_src=MAC, ip|arp, nw_src=ADDR  NORMAL   (one pair per address)
 *   190  in_port=P, dl_src=MAC, ip|arp               drop     (when addresses are known)
 *   180  in_port=P, dl_src=MAC                       NORMAL
 *   170  in_port=P                                   drop     (another MAC)
 * </pre>
 */
public final class SwitchGuards {

    static final int ISOLATION = 300;
    static final int OWN_ADDRESS = 200;
    static final int OTHER_ADDRESS = 190;
    static final int OWN_MAC = 180;
    static final int OTHER_MAC = 170;
    static final int IPV4 = 0x0800;
    static final int ARP = 0x0806;

    private SwitchGuards() {
    }

    /**
     * By MAC (lower case), the OpenFlow port number of the running VM NICs that libvirt plugged into switch
     * {@code bridge}.
     *
     * @throws OvsdbException when the host has no such switch
     */
    public static Map<String, Integer> portsByMac(OvsdbClient client, String bridge) {
        List<JsonNode> results = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(
                Ops.select("Bridge", "name", Ops.text(bridge), "ports"),
                Ops.selectAll("Port", "_uuid", "interfaces"),
                Ops.selectAll("Interface", "_uuid", "ofport", "external_ids")));
        JsonNode bridges = results.get(0).path("rows");
        if (bridges.isEmpty()) {
            throw new OvsdbException("the host has no switch " + bridge);
        }
        List<String> ports = Ops.uuids(bridges.get(0).path("ports"));
        List<String> interfaces = new ArrayList<>();
        results.get(1).path("rows").forEach(port -> {
            if (ports.contains(Ops.uuidOf(port))) {
                interfaces.addAll(Ops.uuids(port.path("interfaces")));
            }
        });
        Map<String, Integer> byMac = new HashMap<>();
        results.get(2).path("rows").forEach(row -> {
            String mac = mapValue(row.path("external_ids"), "attached-mac");
            JsonNode ofport = row.path("ofport");
            if (interfaces.contains(Ops.uuidOf(row)) && !mac.isEmpty() && ofport.isInt() && ofport.asInt() > 0) {
                byMac.put(mac.toLowerCase(Locale.ROOT), ofport.asInt());
            }
        });
        return byMac;
    }

    /** The flows that enforce {@code guards} on the ports of {@code ports} (by MAC); guards without a port give none. */
    public static List<Flow> flows(List<PortGuard> guards, Map<String, Integer> ports) {
        List<Flow> flows = new ArrayList<>();
        for (PortGuard guard : guards) {
            Integer port = ports.get(guard.mac());
            if (port == null) {
                continue;
            }
            for (String peer : guard.unreachableFrom()) {
                flows.add(Flow.drop(ISOLATION, FlowMatch.any().from(peer).to(guard.mac())));
            }
            if (guard.trusted()) {
                continue;
            }
            FlowMatch own = FlowMatch.any().inPort(port).from(guard.mac());
            for (String address : guard.addresses()) {
                flows.add(Flow.forward(OWN_ADDRESS, own.ethType(IPV4).ipFrom(address)));
                flows.add(Flow.forward(OWN_ADDRESS, own.ethType(ARP).ipFrom(address)));
            }
            if (!guard.addresses().isEmpty()) {
                flows.add(Flow.drop(OTHER_ADDRESS, own.ethType(IPV4)));
                flows.add(Flow.drop(OTHER_ADDRESS, own.ethType(ARP)));
            }
            flows.add(Flow.forward(OWN_MAC, own));
            flows.add(Flow.drop(OTHER_MAC, FlowMatch.any().inPort(port)));
        }
        return flows;
    }

    /** The value of {@code key} in an OVSDB map ({@code ["map", [[k, v], ...]]}), "" when absent. */
    private static String mapValue(JsonNode map, String key) {
        for (JsonNode pair : map.path(1)) {
            if (pair.path(0).asText().equals(key)) {
                return pair.path(1).asText();
            }
        }
        return "";
    }
}
