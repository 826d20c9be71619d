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
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Large seeded rooms for scale tests: {@code hosts} hosts in clusters of {@value #CLUSTER_SIZE}, sites of
 * {@value #SITE_SIZE} hosts, and {@code vms} running VMs of a few common sizes spread over them.
 *
 * <p>Built in one pass (linear in hosts plus VMs) with shared immutable parts: 10,000 hosts and 100,000 VMs
 * take about 0.3 s for the room alone and 2 s with the simulated hypervisor, which holds about 90 MiB for both.
 * Fails fast when the VMs cannot fit.
 */
public final class ScaleRoom {

    static final int CLUSTER_SIZE = 32;
    static final int SITE_SIZE = 1_000;

    /** Host models, drawn at random: cpu millicores, memory MiB. */
    private static final List<Resources> HOST_MODELS = List.of(
            Resources.of(64_000, 524_288, 8_000, 25_000),
            Resources.of(96_000, 786_432, 8_000, 25_000),
            Resources.of(128_000, 1_048_576, 16_000, 50_000));

    /** VM flavours, drawn at random, smaller ones more often. */
    private static final List<Resources> FLAVOURS = List.of(
            Resources.of(1_000, 2_048, 20, 100),
            Resources.of(2_000, 4_096, 40, 200),
            Resources.of(2_000, 8_192, 40, 200),
            Resources.of(4_000, 16_384, 80, 500),
            Resources.of(8_000, 32_768, 200, 1_000));
    private static final int[] FLAVOUR_WEIGHTS = {30, 30, 20, 15, 5};
    private static final List<String> TIERS = List.of("web", "app", "db");

    private ScaleRoom() {}

    /** The room alone, for planners. */
    public static Room room(int hosts, int vms, long seed) {
        if (hosts < 1 || vms < 0) {
            throw new IllegalArgumentException("a room needs at least one host and no negative VM count");
        }
        SimRandom random = new SimRandom(seed);
        int clusterCount = (hosts + CLUSTER_SIZE - 1) / CLUSTER_SIZE;
        int siteCount = (hosts + SITE_SIZE - 1) / SITE_SIZE;
        List<Site> sites = new ArrayList<>(siteCount);
        List<Network> networks = new ArrayList<>(siteCount);
        List<Datastore> datastores = new ArrayList<>(clusterCount);
        for (int s = 0; s < siteCount; s++) {
            String site = "site-%02d".formatted(s + 1);
            sites.add(new Site(site, site, "Generated site " + (s + 1)));
            networks.add(new Network(site + "-prod", site, "prod", OptionalInt.of(100 + s % 3_900), false, Set.of()));
        }
        List<Cluster> clusters = new ArrayList<>(clusterCount);
        List<Host> hostList = new ArrayList<>(hosts);
        for (int c = 0; c < clusterCount; c++) {
            String site = sites.get(c * CLUSTER_SIZE / SITE_SIZE).id();
            String cluster = "%s-c%03d".formatted(site, c + 1);
            clusters.add(new Cluster(cluster, site, cluster, true, 1));
            Set<String> members = new java.util.HashSet<>();
            for (int h = c * CLUSTER_SIZE; h < Math.min(hosts, (c + 1) * CLUSTER_SIZE); h++) {
                String name = "h%05d".formatted(h + 1);
                hostList.add(new Host(name, cluster, name, SimulatedHypervisor.SCHEME + name,
                        HOST_MODELS.get(random.nextInt(HOST_MODELS.size())), HostState.CONNECTED, PowerState.ON,
                        Set.of()));
                members.add(name);
            }
            datastores.add(new Datastore("ds-" + cluster, site, "ds-" + cluster, true, 1_000_000, 1_000_000, members));
        }
        List<Vm> vmList = vms(random, vms, hostList, networks);
        return new Room(sites, clusters, hostList, vmList, networks, datastores);
    }

    /** The room and a simulated hypervisor in which its VMs run. */
    public static SimulatedRoom build(int hosts, int vms, long seed, SimClock clock) {
        Room room = room(hosts, vms, seed);
        SimulatedHypervisor sim = SimulatedHypervisor.create(clock, seed);
        for (Host host : room.hosts()) {
            sim.addHost(host.id(), host.capacity());
        }
        for (Vm vm : room.vms()) {
            sim.addDomain(vm.hostId().orElseThrow(), DomainBuilder.specOf(vm, room), vm.state());
        }
        return new SimulatedRoom(room, sim);
    }

    /** Each VM goes to a random host; when that host is full, to the next one that fits (linear probing). */
    private static List<Vm> vms(SimRandom random, int count, List<Host> hosts, List<Network> networks) {
        long[] freeCpu = new long[hosts.size()];
        long[] freeMemory = new long[hosts.size()];
        for (int h = 0; h < hosts.size(); h++) {
            freeCpu[h] = hosts.get(h).capacity().cpuMillicores();
            freeMemory[h] = hosts.get(h).capacity().memoryMib();
        }
        List<Vm> vms = new ArrayList<>(count);
        for (int v = 0; v < count; v++) {
            Resources demand = FLAVOURS.get(flavour(random));
            int h = random.nextInt(hosts.size());
            int probed = 0;
            while (freeCpu[h] < demand.cpuMillicores() || freeMemory[h] < demand.memoryMib()) {
                if (++probed == hosts.size()) {
                    throw new IllegalArgumentException(count + " VMs do not fit on " + hosts.size() + " hosts");
                }
                h = (h + 1) % hosts.size();
            }
            freeCpu[h] -= demand.cpuMillicores();
            freeMemory[h] -= demand.memoryMib();
            Host host = hosts.get(h);
            String site = host.clusterId().substring(0, host.clusterId().lastIndexOf('-'));
            String tier = TIERS.get(random.nextInt(TIERS.size()));
            vms.add(new Vm(random.nextUuid().toString(), "vm-%06d".formatted(v + 1), host.clusterId(),
                    Optional.of(host.id()), demand, VmState.RUNNING, VmOrigin.MANAGED, tier, random.nextInt(4),
                    Set.of(), Set.of(), Set.of(), List.of(new Disk("root", "ds-" + host.clusterId(), demand.diskGib())),
                    List.of(new Nic(site + "-prod", ""))));
        }
        return vms;
    }

    private static int flavour(SimRandom random) {
        int draw = random.nextInt(100);
        for (int i = 0; i < FLAVOUR_WEIGHTS.length; i++) {
            draw -= FLAVOUR_WEIGHTS[i];
            if (draw < 0) {
                return i;
            }
        }
        return FLAVOUR_WEIGHTS.length - 1;
    }
}
