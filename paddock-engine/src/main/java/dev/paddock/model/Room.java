package dev.paddock.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A consistent snapshot of everything Paddock manages: the input of every planner.
 *
 * <p>Immutable. Lookups by id are backed by insertion-ordered maps, so iteration order is the order in
 * which items were given and planners stay deterministic.
 */
public final class Room {

    public static final Room EMPTY = new Room(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    private final Map<String, Site> sites;
    private final Map<String, Cluster> clusters;
    private final Map<String, Host> hosts;
    private final Map<String, Vm> vms;
    private final Map<String, Network> networks;
    private final Map<String, Datastore> datastores;
    private final Licensing licensing;
    /** The room is immutable: what {@link #licenceUse} reads once stays true. */
    private final Map<String, Map<String, Integer>> licenceUses = new java.util.concurrent.ConcurrentHashMap<>();
    /** The room is immutable: what {@link #networkDrift} reads once stays true. */
    private final Map<String, Map<String, Network.Layout>> drifts = new java.util.concurrent.ConcurrentHashMap<>();

    public Room(
            Collection<Site> sites,
            Collection<Cluster> clusters,
            Collection<Host> hosts,
            Collection<Vm> vms,
            Collection<Network> networks,
            Collection<Datastore> datastores) {
        this.sites = index(sites, Site::id);
        this.clusters = index(clusters, Cluster::id);
        this.hosts = index(hosts, Host::id);
        this.vms = index(vms, Vm::id);
        this.networks = index(networks, Network::id);
        this.datastores = index(datastores, Datastore::id);
        this.licensing = Licensing.NONE;
    }

    private Room(Room room, Licensing licensing) {
        this.sites = room.sites;
        this.clusters = room.clusters;
        this.hosts = room.hosts;
        this.vms = room.vms;
        this.networks = room.networks;
        this.datastores = room.datastores;
        this.licensing = licensing;
    }

    /** The same room judged by {@code newLicensing}'s licences. */
    public Room withLicensing(Licensing newLicensing) {
        return new Room(this, newLicensing);
    }

    /**
     * Who uses licence {@code name} now: by host id, how many running (or paused) VMs there carry it. Read once per
     * room.
     */
    public Map<String, Integer> licenceUse(String name) {
        return licenceUses.computeIfAbsent(name, any -> {
            Map<String, Integer> use = new java.util.TreeMap<>();
            for (Vm vm : vms.values()) {
                if (vm.licences().contains(name) && vm.hostId().isPresent()
                        && (vm.state() == VmState.RUNNING || vm.state() == VmState.PAUSED)) {
                    use.merge(vm.hostId().get(), 1, Integer::sum);
                }
            }
            return java.util.Collections.unmodifiableMap(use);
        });
    }

    /** Its licences, and where its VMs' licences are bound. */
    public Licensing licensing() {
        return licensing;
    }

    private static <T> Map<String, T> index(Collection<T> items, java.util.function.Function<T, String> id) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T item : items) {
            if (map.put(id.apply(item), item) != null) {
                throw new IllegalArgumentException("duplicate id " + id.apply(item));
            }
        }
        return Collections.unmodifiableMap(map);
    }

    public Collection<Site> sites() {
        return sites.values();
    }

    public Collection<Cluster> clusters() {
        return clusters.values();
    }

    public Collection<Host> hosts() {
        return hosts.values();
    }

    public Collection<Vm> vms() {
        return vms.values();
    }

    public Collection<Network> networks() {
        return networks.values();
    }

    public Collection<Datastore> datastores() {
        return datastores.values();
    }

    public Optional<Site> site(String id) {
        return Optional.ofNullable(sites.get(id));
    }

    public Optional<Cluster> cluster(String id) {
        return Optional.ofNullable(clusters.get(id));
    }

    public Optional<Host> host(String id) {
        return Optional.ofNullable(hosts.get(id));
    }

    public Optional<Vm> vm(String id) {
        return Optional.ofNullable(vms.get(id));
    }

    public Optional<Network> network(String id) {
        return Optional.ofNullable(networks.get(id));
    }

    public Optional<Datastore> datastore(String id) {
        return Optional.ofNullable(datastores.get(id));
    }

    /** {@link Network#drift} of the room's network {@code id}, read once per room; empty for an unknown network. */
    public Map<String, Network.Layout> networkDrift(String id) {
        Network network = networks.get(id);
        return network == null ? Map.of() : drifts.computeIfAbsent(id, any -> network.drift());
    }

    /** The VMs placed on a host, in room order. */
    public List<Vm> vmsOn(String hostId) {
        List<Vm> on = new ArrayList<>();
        for (Vm vm : vms.values()) {
            if (vm.hostId().filter(hostId::equals).isPresent()) {
                on.add(vm);
            }
        }
        return on;
    }

    /** The sum of the demands of the VMs placed on a host that are not stopped. */
    public Resources used(String hostId) {
        Resources used = Resources.ZERO;
        for (Vm vm : vmsOn(hostId)) {
            if (vm.state() != VmState.STOPPED) {
                used = used.plus(vm.demand());
            }
        }
        return used;
    }

    public List<Host> hostsOf(String clusterId) {
        return hosts.values().stream().filter(h -> h.clusterId().equals(clusterId)).toList();
    }

    /** A room equal to this one but with {@code vm} added or replaced. */
    public Room with(Vm vm) {
        Map<String, Vm> copy = new LinkedHashMap<>(vms);
        copy.put(vm.id(), vm);
        return new Room(sites.values(), clusters.values(), hosts.values(), copy.values(), networks.values(),
                datastores.values()).withLicensing(licensing);
    }

    /** A room equal to this one but with {@code host} added or replaced. */
    public Room with(Host host) {
        Map<String, Host> copy = new LinkedHashMap<>(hosts);
        copy.put(host.id(), host);
        return new Room(sites.values(), clusters.values(), copy.values(), vms.values(), networks.values(),
                datastores.values()).withLicensing(licensing);
    }

    /** A room equal to this one without the VM of that id. */
    public Room withoutVm(String vmId) {
        Map<String, Vm> copy = new LinkedHashMap<>(vms);
        copy.remove(vmId);
        return new Room(sites.values(), clusters.values(), hosts.values(), copy.values(), networks.values(),
                datastores.values()).withLicensing(licensing);
    }
}
