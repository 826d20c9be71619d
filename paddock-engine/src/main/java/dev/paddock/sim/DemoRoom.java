package dev.paddock.sim;

import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The demo's machine rooms: a production site in Paris (clusters prod-a and prod-b) and a smaller recovery
 * site in Lyon (cluster lyon-a), 12 hosts, about 60 VMs in web/app/db tiers of a handful of applications,
 * on VLAN networks and shared datastores, all running.
 *
 * <p>The layout is fixed; the seed only draws the VM UUIDs, so two demos with one seed show the same room.
 */
public final class DemoRoom {

    /**
     * An application: its name, where it runs, how many VMs of each tier, how much it matters. Each tier is
     * an anti-affinity group, so no tier has as many VMs as its cluster has hosts, and a licence is carried
     * by one host more than the VMs that need it: every cluster can lose a host and restart all it ran.
     */
    private record App(String name, String clusterId, int web, int app, int db, int priority, String dbLicence) {}

    /** A tier's shape: vCPUs, memory, disk, network. */
    private record Tier(String name, int vcpus, long memoryMib, long diskGib, long networkMbps, int priorityBoost) {}

    private static final List<Tier> TIERS = List.of(
            new Tier("web", 2, 4_096, 40, 500, 0),
            new Tier("app", 4, 8_192, 60, 300, 1),
            new Tier("db", 8, 32_768, 500, 1_000, 2));

    private static final List<App> APPS = List.of(
            new App("shop", "prod-a", 4, 4, 2, 2, ""),
            new App("crm", "prod-a", 4, 3, 2, 2, ""),
            new App("wiki", "prod-a", 2, 2, 1, 1, ""),
            new App("erp", "prod-b", 3, 3, 2, 3, "oracle-db"),
            new App("intranet", "prod-b", 3, 2, 1, 1, ""),
            new App("mail", "prod-b", 2, 2, 2, 1, ""),
            new App("billing", "lyon-a", 2, 2, 2, 2, ""),
            new App("reporting", "lyon-a", 2, 2, 2, 0, ""));

    private DemoRoom() {}

    public static SimulatedRoom build(SimClock clock, long seed) {
        SimRandom random = new SimRandom(seed);
        List<Site> sites = List.of(
                new Site("paris", "paris", "Production machine room, Paris"),
                new Site("lyon", "lyon", "Recovery site, Lyon"));
        List<Cluster> clusters = List.of(
                new Cluster("prod-a", "paris", "prod-a", true, 1),
                new Cluster("prod-b", "paris", "prod-b", true, 1),
                new Cluster("lyon-a", "lyon", "lyon-a", true, 1));
        List<Host> hosts = new ArrayList<>();
        Resources large = Resources.of(32_000, 262_144, 4_000, 20_000);
        Resources medium = Resources.of(32_000, 196_608, 4_000, 20_000);
        for (int i = 1; i <= 5; i++) {
            hosts.add(host("esx-par-%02d".formatted(i), "prod-a", large, Set.of()));
        }
        for (int i = 6; i <= 9; i++) {
            hosts.add(host("esx-par-%02d".formatted(i), "prod-b", large, Set.of("oracle-db")));
        }
        for (int i = 1; i <= 3; i++) {
            hosts.add(host("esx-lyo-%02d".formatted(i), "lyon-a", medium, Set.of()));
        }
        List<Network> networks = networks();
        List<Datastore> datastores = datastores(hosts);
        List<Vm> vms = vms(random, hosts, datastores);
        Room room = new Room(sites, clusters, hosts, vms, networks, datastores);

        SimulatedHypervisor sim = SimulatedHypervisor.create(clock, seed);
        for (Host host : hosts) {
            sim.addHost(host.id(), host.capacity());
        }
        for (Vm vm : vms) {
            sim.addDomain(vm.hostId().orElseThrow(), DomainBuilder.specOf(vm, room), vm.state());
        }
        return new SimulatedRoom(room, sim);
    }

    private static Host host(String name, String clusterId, Resources capacity, Set<String> licences) {
        return new Host(name, clusterId, name, SimulatedHypervisor.SCHEME + name, capacity, HostState.CONNECTED,
                PowerState.ON, licences);
    }

    private static List<Network> networks() {
        List<Network> networks = new ArrayList<>();
        networks.add(new Network("par-mgmt", "paris", "mgmt", OptionalInt.of(10), false, Set.of()));
        networks.add(new Network("lyo-mgmt", "lyon", "mgmt", OptionalInt.of(10), false, Set.of()));
        int vlan = 110;
        for (String tier : List.of("web", "app", "db")) {
            // Database servers must not talk to each other directly: private VLAN isolation.
            boolean isolated = tier.equals("db");
            networks.add(new Network("par-" + tier, "paris", "prod-" + tier, OptionalInt.of(vlan), isolated, Set.of()));
            networks.add(new Network("lyo-" + tier, "lyon", "prod-" + tier, OptionalInt.of(vlan + 100), isolated,
                    Set.of()));
            vlan += 10;
        }
        networks.add(new Network("par-backup", "paris", "backup", OptionalInt.empty(), false, Set.of()));
        return networks;
    }

    private static List<Datastore> datastores(List<Host> hosts) {
        Set<String> paris = hostsOf(hosts, "esx-par-");
        Set<String> prodB = hosts.stream().filter(h -> h.clusterId().equals("prod-b")).map(Host::id)
                .collect(Collectors.toSet());
        Set<String> lyon = hostsOf(hosts, "esx-lyo-");
        return List.of(
                new Datastore("ds-par-ceph", "paris", "ceph-paris", true, 204_800, 150_000, paris),
                new Datastore("ds-par-nfs", "paris", "nfs-paris-db", true, 51_200, 30_000, prodB),
                new Datastore("ds-lyo-nfs", "lyon", "nfs-lyon", true, 102_400, 80_000, lyon),
                new Datastore("ds-lyo-03-local", "lyon", "local-esx-lyo-03", false, 3_600, 3_000,
                        Set.of("esx-lyo-03")));
    }

    private static Set<String> hostsOf(List<Host> hosts, String prefix) {
        return hosts.stream().map(Host::id).filter(id -> id.startsWith(prefix)).collect(Collectors.toSet());
    }

    private static List<Vm> vms(SimRandom random, List<Host> hosts, List<Datastore> datastores) {
        List<Vm> vms = new ArrayList<>();
        Map<String, Resources> used = new HashMap<>();
        Map<String, List<String>> groupHosts = new HashMap<>();
        int mac = 1;
        for (App app : APPS) {
            String site = app.clusterId.equals("lyon-a") ? "lyo" : "par";
            for (Tier tier : TIERS) {
                int count = switch (tier.name) {
                    case "web" -> app.web;
                    case "app" -> app.app;
                    default -> app.db;
                };
                String group = app.name + "-" + tier.name;
                boolean isDb = tier.name.equals("db");
                String datastore = isDb && app.clusterId.equals("prod-b") ? "ds-par-nfs"
                        : site.equals("par") ? "ds-par-ceph" : "ds-lyo-nfs";
                Set<String> licences = isDb && !app.dbLicence.isEmpty() ? Set.of(app.dbLicence) : Set.of();
                for (int i = 1; i <= count; i++) {
                    Resources demand = Resources.of(tier.vcpus * 1000L, tier.memoryMib, tier.diskGib, tier.networkMbps);
                    Host host = place(hosts, app.clusterId, demand, licences, group, used, groupHosts);
                    int priority = app.priority == 0 ? 0 : app.priority + tier.priorityBoost;
                    List<Nic> nics = List.of(
                            new Nic(site + "-" + tier.name, "52:54:00:00:%02x:%02x".formatted(mac / 256, mac % 256)),
                            new Nic(site + "-mgmt", "52:54:00:01:%02x:%02x".formatted(mac / 256, mac % 256)));
                    mac++;
                    vms.add(new Vm(random.nextUuid().toString(), "%s-%s-%02d".formatted(app.name, tier.name, i),
                            app.clusterId, java.util.Optional.of(host.id()), demand, VmState.RUNNING,
                            VmOrigin.MANAGED, tier.name, priority, Set.of(), Set.of(group), licences,
                            List.of(new Disk("root", datastore, tier.diskGib)), nics));
                }
            }
        }
        return vms;
    }

    /**
     * The host of the cluster with the most free memory that carries the licences, fits the demand and holds
     * the fewest VMs of the same anti-affinity group: spread, as an operator would have placed them.
     */
    private static Host place(List<Host> hosts, String clusterId, Resources demand, Set<String> licences,
            String group, Map<String, Resources> used, Map<String, List<String>> groupHosts) {
        Host best = null;
        long bestScore = Long.MIN_VALUE;
        List<String> sameGroup = groupHosts.computeIfAbsent(group, g -> new ArrayList<>());
        for (Host host : hosts) {
            Resources after = used.getOrDefault(host.id(), Resources.ZERO).plus(demand);
            if (!host.clusterId().equals(clusterId) || !host.licences().containsAll(licences)
                    || !after.fitsIn(host.capacity())) {
                continue;
            }
            long sharing = sameGroup.stream().filter(host.id()::equals).count();
            long score = (host.capacity().memoryMib() - after.memoryMib()) - sharing * 1_000_000_000L;
            if (score > bestScore) {
                best = host;
                bestScore = score;
            }
        }
        if (best == null) {
            throw new IllegalStateException("the demo room does not fit cluster " + clusterId);
        }
        used.merge(best.id(), demand, Resources::plus);
        sameGroup.add(best.id());
        return best;
    }
}
