package dev.paddock.libvirt.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.model.Nic;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mirrors of VM ports on an Open vSwitch switch, through its database: one {@code Mirror} row per mirrored NIC,
 * named after the NIC's MAC so that it is found again, selecting the VM's port (packets arriving from the VM for
 * {@link Nic.Direction#OUT}, departing to it for {@link Nic.Direction#IN}) and sending the copies out of the output
 * port. Replacing a mirror is one transaction: the old row off the bridge (the database collects it) and the new one
 * on.
 */
public final class SwitchMirrors {

    private final OvsdbClient client;

    public SwitchMirrors(OvsdbClient client) {
        this.client = client;
    }

    /** The name of the mirror of NIC {@code mac}. */
    static String name(String mac) {
        return "paddock-" + mac.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Mirrors port {@code device} (NIC {@code mac}'s) of switch {@code bridge} as {@code mirror} says, or stops
     * mirroring it (empty).
     *
     * @throws OvsdbException when the switch has no such port or bridge, naming it
     */
    public void set(String bridge, String device, String mac, Optional<Nic.Mirror> mirror) {
        List<ObjectNode> operations = new ArrayList<>();
        for (String old : mirrorUuids(mac)) {
            operations.add(Ops.removeFrom("Bridge", "name", Ops.text(bridge), "mirrors", Ops.uuid(old)));
        }
        if (mirror.isPresent()) {
            String source = portUuid(bridge, device);
            String output = portUuid(bridge, mirror.get().port());
            ObjectNode row = Ops.row().put("name", name(mac));
            JsonNode selected = Ops.set(List.of(Ops.uuid(source)));
            Nic.Direction direction = mirror.get().direction();
            row.set("select_src_port", direction == Nic.Direction.IN ? Ops.set(List.of()) : selected);
            row.set("select_dst_port", direction == Nic.Direction.OUT ? Ops.set(List.of()) : selected);
            row.set("output_port", Ops.uuid(output));
            operations.add(Ops.insert("Mirror", row, "mirror"));
            operations.add(Ops.addTo("Bridge", "name", Ops.text(bridge), "mirrors", Ops.named("mirror")));
        }
        if (!operations.isEmpty()) {
            client.transact(OvsdbClient.OPEN_VSWITCH, operations);
        }
    }

    /** The names of switch {@code bridge}'s ports. */
    public List<String> ports(String bridge) {
        List<JsonNode> results = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(
                Ops.select("Bridge", "name", Ops.text(bridge), "ports"), Ops.selectAll("Port", "_uuid", "name")));
        JsonNode bridges = results.get(0).path("rows");
        if (bridges.isEmpty()) {
            throw new OvsdbException("the host has no switch " + bridge);
        }
        List<String> mine = Ops.uuids(bridges.get(0).path("ports"));
        List<String> names = new ArrayList<>();
        results.get(1).path("rows").forEach(port -> {
            if (mine.contains(Ops.uuidOf(port))) {
                names.add(port.path("name").asText());
            }
        });
        return names;
    }

    /** Where NIC {@code mac}'s port is mirrored to; empty when nowhere. */
    public Optional<Nic.Mirror> get(String mac) {
        JsonNode rows = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Mirror", "name",
                Ops.text(name(mac)), "select_src_port", "select_dst_port", "output_port"))).getFirst().path("rows");
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        JsonNode row = rows.get(0);
        boolean out = !Ops.uuids(row.path("select_src_port")).isEmpty();
        boolean in = !Ops.uuids(row.path("select_dst_port")).isEmpty();
        List<String> output = Ops.uuids(row.path("output_port"));
        if ((!in && !out) || output.isEmpty()) {
            // its VM's port, or its output, went (the VM stopped, the port was removed): it mirrors nothing
            return Optional.empty();
        }
        JsonNode port = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Port", "_uuid",
                Ops.uuid(output.getFirst()), "name"))).getFirst().path("rows");
        if (port.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Nic.Mirror(port.get(0).path("name").asText(),
                in && out ? Nic.Direction.BOTH : in ? Nic.Direction.IN : Nic.Direction.OUT));
    }

    private List<String> mirrorUuids(String mac) {
        JsonNode rows = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Mirror", "name",
                Ops.text(name(mac)), "_uuid"))).getFirst().path("rows");
        List<String> uuids = new ArrayList<>();
        rows.forEach(row -> uuids.add(Ops.uuidOf(row)));
        return uuids;
    }

    private String portUuid(String bridge, String name) {
        JsonNode rows = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Port", "name", Ops.text(name),
                "_uuid"))).getFirst().path("rows");
        if (rows.isEmpty()) {
            throw new OvsdbException("switch " + bridge + " has no port " + name);
        }
        return Ops.uuidOf(rows.get(0));
    }
}
