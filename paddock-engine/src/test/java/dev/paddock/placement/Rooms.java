package dev.paddock.placement;

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
import java.util.SplittableRandom;

/** Plain rooms for placement tests: one site, one cluster "c1", network "lan", shared datastore "ds". */
final class Rooms {
    private Rooms() {}

    static Host host(String id, Resources capacity) {
        return new Host(id, "c1", id, "sim://" + id, capacity, HostState.CONNECTED, PowerState.ON, Set.of());
    }

    static Vm vm(String id, Resources demand) {
        return new Vm(id, id, "c1", Optional.empty(), demand, VmState.RUNNING, VmOrigin.MANAGED, "app", 0,
                Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    static Vm vm(String id, Resources demand, Set<String> affinity, Set<String> antiAffinity, Set<String> licences) {
        return new Vm(id, id, "c1", Optional.empty(), demand, VmState.RUNNING, VmOrigin.MANAGED, "app", 0,
                affinity, antiAffinity, licences, List.of(new Disk("root", "ds", 10)), List.of(new Nic("lan", "")));
    }

    static Resources cpuMem(long cpu, long mem) {
        return Resources.of(cpu, mem, 0, 0);
    }

    static Room room(List<Host> hosts, List<Vm> vms) {
        List<String> hostIds = hosts.stream().map(Host::id).toList();
        return new Room(List.of(new Site("s1", "site one", "")), List.of(new Cluster("c1", "s1", "c1", true, 1)),
                hosts, vms, List.of(new Network("lan", "s1", "lan", OptionalInt.empty(), false, Set.of())),
                List.of(new Datastore("ds", "s1", "ds", true, 10_000, 10_000, Set.copyOf(hostIds))));
    }

    /** A random room: 2–12 hosts (some in maintenance, some licensed), VMs placed by nobody yet. */
    static Room random(long seed, List<Vm> unplacedOut) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Host> hosts = new ArrayList<>();
        int hostCount = 2 + random.nextInt(11);
        for (int i = 0; i < hostCount; i++) {
            Host h = host("h" + i, Resources.of(8_000 + 4_000L * random.nextInt(5), 16_384L * (1 + random.nextInt(4)),
                    500, 10_000));
            if (random.nextInt(5) == 0) {
                h = h.withState(HostState.MAINTENANCE);
            }
            if (random.nextBoolean()) {
                h = new Host(h.id(), h.clusterId(), h.name(), h.uri(), h.capacity(), h.state(), h.power(),
                        Set.of("oracle"));
            }
            hosts.add(h);
        }
        int vmCount = 5 + random.nextInt(60);
        for (int i = 0; i < vmCount; i++) {
            Set<String> anti = random.nextInt(4) == 0 ? Set.of("g" + random.nextInt(3)) : Set.of();
            Set<String> aff = random.nextInt(4) == 0 ? Set.of("a" + random.nextInt(3)) : Set.of();
            Set<String> lic = random.nextInt(6) == 0 ? Set.of("oracle") : Set.of();
            unplacedOut.add(vm("v" + i, Resources.of(500L * (1 + random.nextInt(8)), 1_024L * (1 + random.nextInt(16)),
                    10, 100), aff, anti, lic));
        }
        return room(hosts, List.of());
    }
}
