package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.json.Json;
import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.BootDevice;
import dev.paddock.model.Disk;
import dev.paddock.model.Firmware;
import dev.paddock.model.Maxima;
import dev.paddock.model.Image;
import dev.paddock.model.Template;
import dev.paddock.model.Host;
import dev.paddock.model.HostCpu;
import dev.paddock.model.HostState;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How each model record maps to a row: the column lists (key first, in bind order), the binding of a
 * record to a statement and the reading of a row back. Sets are written sorted so equal records give
 * equal rows.
 */
final class InventoryRows {

    static final List<String> SITE = List.of("id", "name", "description");
    static final List<String> CLUSTER = List.of("id", "site_id", "name", "ha_enabled", "tolerated_host_failures");
    static final List<String> HOST = List.of("id", "cluster_id", "name", "uri", "cpu_millicores", "memory_mib",
            "disk_gib", "network_mbps", "state", "power", "licences", "cpu_vendor", "cpu_model", "cpu_features");
    static final List<String> VM = List.of("id", "name", "cluster_id", "host_id", "cpu_millicores", "memory_mib",
            "disk_gib", "network_mbps", "state", "origin", "tier", "ha_priority", "affinity_groups",
            "anti_affinity_groups", "licences", "disks", "nics", "watchdog", "boot", "max_vcpus", "max_memory_mib");
    static final List<String> IMAGE = List.of("id", "datastore_id", "name", "volume", "format", "size_bytes",
            "sha256");
    static final List<String> TEMPLATE = List.of("id", "name", "image_id", "vcpus", "memory_mib", "disk_gib",
            "boot");
    static final List<String> NETWORK = List.of("id", "site_id", "name", "vlan", "isolated", "mirror_ports",
            "carriers");
    static final List<String> DATASTORE = List.of("id", "site_id", "name", "shared", "capacity_gib", "free_gib",
            "host_ids", "pool_type", "source", "capacity_bytes", "free_bytes", "pools");

    private static final TypeReference<Set<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> NAMES = new TypeReference<>() {};
    private static final TypeReference<List<Disk>> DISKS = new TypeReference<>() {};
    private static final TypeReference<List<Nic>> NICS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Network.Carrier>> CARRIERS = new TypeReference<>() {};

    private InventoryRows() {}

    static String select(List<String> columns, String table) {
        return "SELECT " + String.join(", ", columns) + " FROM " + table;
    }

    static void bind(PreparedStatement s, Site site) throws SQLException {
        s.setString(1, site.id());
        s.setString(2, site.name());
        s.setString(3, site.description());
    }

    static Site site(ResultSet r) throws SQLException {
        return new Site(r.getString(1), r.getString(2), r.getString(3));
    }

    static void bind(PreparedStatement s, Cluster cluster) throws SQLException {
        s.setString(1, cluster.id());
        s.setString(2, cluster.siteId());
        s.setString(3, cluster.name());
        s.setBoolean(4, cluster.haEnabled());
        s.setInt(5, cluster.toleratedHostFailures());
    }

    static Cluster cluster(ResultSet r) throws SQLException {
        return new Cluster(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4), r.getInt(5));
    }

    static void bind(PreparedStatement s, Host host) throws SQLException {
        s.setString(1, host.id());
        s.setString(2, host.clusterId());
        s.setString(3, host.name());
        s.setString(4, host.uri());
        bindResources(s, 5, host.capacity());
        s.setString(9, host.state().name());
        s.setString(10, host.power().name());
        s.setString(11, json(new TreeSet<>(host.licences())));
        s.setString(12, host.cpu().vendor());
        s.setString(13, host.cpu().model());
        s.setString(14, json(host.cpu().sortedFeatures()));
    }

    static Host host(ResultSet r) throws SQLException {
        return new Host(r.getString(1), r.getString(2), r.getString(3), r.getString(4), resources(r, 5),
                HostState.valueOf(r.getString(9)), PowerState.valueOf(r.getString(10)),
                strings(r.getString(11)), new HostCpu(r.getString(12), r.getString(13), strings(r.getString(14))));
    }

    static void bind(PreparedStatement s, Vm vm) throws SQLException {
        s.setString(1, vm.id());
        s.setString(2, vm.name());
        s.setString(3, vm.clusterId());
        s.setString(4, vm.hostId().orElse(null));
        bindResources(s, 5, vm.demand());
        s.setString(9, vm.state().name());
        s.setString(10, vm.origin().name());
        s.setString(11, vm.tier());
        s.setInt(12, vm.haPriority());
        s.setString(13, json(new TreeSet<>(vm.affinityGroups())));
        s.setString(14, json(new TreeSet<>(vm.antiAffinityGroups())));
        s.setString(15, json(new TreeSet<>(vm.licences())));
        s.setString(16, json(vm.disks()));
        s.setString(17, json(vm.nics()));
        s.setString(18, vm.watchdog().map(w -> w.model().xmlName() + ":" + w.action().xmlName()).orElse(null));
        s.setString(19, boot(vm.firmware(), vm.boot()));
        if (vm.maxima().vcpus().isPresent()) {
            s.setInt(20, vm.maxima().vcpus().get());
        } else {
            s.setNull(20, Types.INTEGER);
        }
        if (vm.maxima().memoryMib().isPresent()) {
            s.setLong(21, vm.maxima().memoryMib().get());
        } else {
            s.setNull(21, Types.BIGINT);
        }
    }

    static Vm vm(ResultSet r) throws SQLException {
        return new Vm(r.getString(1), r.getString(2), r.getString(3), Optional.ofNullable(r.getString(4)),
                resources(r, 5), VmState.valueOf(r.getString(9)), VmOrigin.valueOf(r.getString(10)),
                r.getString(11), r.getInt(12), strings(r.getString(13)), strings(r.getString(14)),
                strings(r.getString(15)), r.getString(16).equals(EMPTY) ? List.of() : read(r.getString(16), DISKS),
                r.getString(17).equals(EMPTY) ? List.of() : read(r.getString(17), NICS), watchdog(r.getString(18)),
                firmware(r.getString(19)), bootOrder(r.getString(19)), maxima(r));
    }

    private static Maxima maxima(ResultSet r) throws SQLException {
        int vcpus = r.getInt(20);
        Optional<Integer> mostVcpus = r.wasNull() ? Optional.empty() : Optional.of(vcpus);
        long memory = r.getLong(21);
        return new Maxima(mostVcpus, r.wasNull() ? Optional.empty() : Optional.of(memory));
    }

    static void bind(PreparedStatement s, Image image) throws SQLException {
        s.setString(1, image.id());
        s.setString(2, image.datastoreId());
        s.setString(3, image.name());
        s.setString(4, image.volume());
        s.setString(5, image.format());
        s.setLong(6, image.sizeBytes());
        s.setString(7, image.sha256());
    }

    static Image image(ResultSet r) throws SQLException {
        return new Image(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getLong(6),
                r.getString(7));
    }

    static void bind(PreparedStatement s, Template template) throws SQLException {
        s.setString(1, template.id());
        s.setString(2, template.name());
        s.setString(3, template.imageId());
        s.setInt(4, template.vcpus());
        s.setLong(5, template.memoryMib());
        s.setLong(6, template.diskGib());
        s.setString(7, boot(template.firmware(), template.boot()));
    }

    static Template template(ResultSet r) throws SQLException {
        return new Template(r.getString(1), r.getString(2), r.getString(3), r.getInt(4), r.getLong(5), r.getLong(6),
                firmware(r.getString(7)), bootOrder(r.getString(7)));
    }

    /** "UEFI:DISK,NETWORK": the firmware, then the boot devices in order. */
    private static String boot(Firmware firmware, List<BootDevice> order) {
        return firmware.name() + ":" + String.join(",", order.stream().map(BootDevice::name).toList());
    }

    private static Firmware firmware(String column) {
        return Firmware.valueOf(column.substring(0, column.indexOf(':')));
    }

    private static List<BootDevice> bootOrder(String column) {
        String devices = column.substring(column.indexOf(':') + 1);
        return devices.isEmpty() ? List.of()
                : java.util.Arrays.stream(devices.split(",")).map(BootDevice::valueOf).toList();
    }

    private static Optional<Watchdog> watchdog(String column) {
        if (column == null) {
            return Optional.empty();
        }
        String[] parts = column.split(":", 2);
        return Optional.of(new Watchdog(Watchdog.Model.named(parts[0]).orElseThrow(),
                Watchdog.Action.named(parts[1]).orElseThrow()));
    }

    static void bind(PreparedStatement s, Network network) throws SQLException {
        s.setString(1, network.id());
        s.setString(2, network.siteId());
        s.setString(3, network.name());
        if (network.vlan().isPresent()) {
            s.setInt(4, network.vlan().getAsInt());
        } else {
            s.setNull(4, Types.INTEGER);
        }
        s.setBoolean(5, network.isolated());
        s.setString(6, json(new TreeSet<>(network.mirrorPorts())));
        s.setString(7, carriersJson(network));
    }

    static String carriersJson(Network network) {
        try {
            return Json.mapper().writeValueAsString(network.carriers());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a network's carriers as JSON", e);
        }
    }

    static Network network(ResultSet r) throws SQLException {
        int vlan = r.getInt(4);
        OptionalInt tag = r.wasNull() ? OptionalInt.empty() : OptionalInt.of(vlan);
        return new Network(r.getString(1), r.getString(2), r.getString(3), tag, r.getBoolean(5),
                strings(r.getString(6)), read(r.getString(7), CARRIERS));
    }

    static void bind(PreparedStatement s, Datastore datastore) throws SQLException {
        s.setString(1, datastore.id());
        s.setString(2, datastore.siteId());
        s.setString(3, datastore.name());
        s.setBoolean(4, datastore.shared());
        s.setLong(5, datastore.capacityGib());
        s.setLong(6, datastore.freeGib());
        s.setString(7, json(new TreeSet<>(datastore.hostIds())));
        s.setString(8, datastore.type());
        s.setString(9, datastore.source());
        s.setLong(10, datastore.capacityBytes());
        s.setLong(11, datastore.freeBytes());
        s.setString(12, datastore.pools().isEmpty() ? EMPTY_MAP : jsonValue(new TreeMap<>(datastore.pools())));
    }

    /** What discovery observes of a datastore: its hosts, sizes and pools, then its id. */
    static final String DATASTORE_OBSERVED = "UPDATE datastores SET host_ids = ?, capacity_gib = ?, free_gib = ?,"
            + " capacity_bytes = ?, free_bytes = ?, pools = ? WHERE id = ?";

    static void bindObserved(PreparedStatement s, Datastore datastore) throws SQLException {
        s.setString(1, json(new TreeSet<>(datastore.hostIds())));
        s.setLong(2, datastore.capacityGib());
        s.setLong(3, datastore.freeGib());
        s.setLong(4, datastore.capacityBytes());
        s.setLong(5, datastore.freeBytes());
        s.setString(6, datastore.pools().isEmpty() ? EMPTY_MAP : jsonValue(new TreeMap<>(datastore.pools())));
        s.setString(7, datastore.id());
    }

    static Datastore datastore(ResultSet r) throws SQLException {
        String pools = r.getString(12);
        return new Datastore(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4), r.getLong(5),
                r.getLong(6), strings(r.getString(7)), r.getString(8), r.getString(9), r.getLong(10), r.getLong(11),
                pools.equals(EMPTY_MAP) ? Map.of() : read(pools, NAMES));
    }

    private static void bindResources(PreparedStatement s, int first, Resources resources) throws SQLException {
        s.setLong(first, resources.cpuMillicores());
        s.setLong(first + 1, resources.memoryMib());
        s.setLong(first + 2, resources.diskGib());
        s.setLong(first + 3, resources.networkMbps());
    }

    private static Resources resources(ResultSet r, int first) throws SQLException {
        return Resources.of(r.getLong(first), r.getLong(first + 1), r.getLong(first + 2), r.getLong(first + 3));
    }

    /** Most sets and lists are empty; writing and reading those without Jackson halves the cost of a resync. */
    private static final String EMPTY = "[]";
    private static final String EMPTY_MAP = "{}";

    static Set<String> strings(String text) throws SQLException {
        return text.equals(EMPTY) ? Set.of() : read(text, STRINGS);
    }

    static String json(java.util.Collection<?> value) {
        if (value.isEmpty()) {
            return EMPTY;
        }
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    private static String jsonValue(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    private static <T> T read(String text, TypeReference<T> type) throws SQLException {
        try {
            return Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable JSON column: " + e.getOriginalMessage(), e);
        }
    }
}
