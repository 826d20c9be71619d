package dev.paddock.ha;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** Small rooms written out in tests: one site, cluster "c1", datastore "shared" on every host. */
final class TestRooms {

    private final List<Host> hosts = new ArrayList<>();
    private final List<Vm> vms = new ArrayList<>();
    private final List<Datastore> extraDatastores = new ArrayList<>();
    private int tolerated = 1;
    private boolean haEnabled = true;

    static TestRooms room() {
        return new TestRooms();
    }

    TestRooms tolerating(int failures) {
        tolerated = failures;
        return this;
    }

    TestRooms haDisabled() {
        haEnabled = false;
        return this;
    }

    /** A connected host with {@code cpu} cores and {@code memoryGib} GiB. */
    TestRooms host(String id, int cpu, int memoryGib, String... licences) {
        hosts.add(new Host(id, "c1", id, "sim://" + id, Resources.of(cpu * 1000L, memoryGib * 1024L, 10_000, 10_000),
                HostState.CONNECTED, PowerState.ON, Set.of(licences)));
        return this;
    }

    TestRooms host(Host host) {
        hosts.add(host);
        return this;
    }

    TestRooms datastore(String id, String... hostIds) {
        extraDatastores.add(new Datastore(id, "s1", id, hostIds.length > 1, 10_000, 10_000, Set.of(hostIds)));
        return this;
    }

    TestRooms vm(Vm vm) {
        vms.add(vm);
        return this;
    }

    /** A running VM on the shared datastore. */
    TestRooms vm(String name, String hostId, int cpu, int memoryGib, int priority, String tier) {
        return vm(vm(name, hostId, cpu, memoryGib, priority, tier, Set.of(), Set.of(), "shared"));
    }

    static Vm vm(String name, String hostId, int cpu, int memoryGib, int priority, String tier,
            Set<String> antiAffinity, Set<String> licences, String datastore) {
        return new Vm("id-" + name, name, "c1", Optional.of(hostId),
                Resources.of(cpu * 1000L, memoryGib * 1024L, 10, 10), VmState.RUNNING, VmOrigin.MANAGED, tier,
                priority, Set.of(), antiAffinity, licences, List.of(new Disk("root", datastore, 10)), List.of());
    }

    Room build() {
        Set<String> all = new LinkedHashSet<>();
        hosts.forEach(h -> all.add(h.id()));
        List<Datastore> datastores = new ArrayList<>(extraDatastores);
        datastores.add(new Datastore("shared", "s1", "shared", true, 100_000, 100_000, all));
        return new Room(List.of(new Site("s1", "s1", "")), List.of(new Cluster("c1", "s1", "c1", haEnabled, tolerated)),
                hosts, vms, List.of(), datastores);
    }

    /**
     * A seeded room of 3 to 8 hosts of mixed sizes filled to a random level (35 to 95 %) with VMs of random size,
     * priority (0 to 3), tier, and now and then an anti-affinity pair or a licence.
     */
    static Room seeded(long seed, int tolerated) {
        Random random = new Random(seed);
        TestRooms room = room().tolerating(tolerated);
        int hostCount = 3 + random.nextInt(6);
        int[] freeCpu = new int[hostCount];
        int[] freeMemory = new int[hostCount];
        int[] memory = new int[hostCount];
        for (int h = 0; h < hostCount; h++) {
            freeCpu[h] = 16 + 8 * random.nextInt(3);
            freeMemory[h] = 64 + 64 * random.nextInt(3);
            memory[h] = freeMemory[h];
            room.host("h" + (h + 1), freeCpu[h], freeMemory[h], h % 3 == 0 ? new String[] {"oracle"} : new String[0]);
        }
        double fill = 0.35 + random.nextDouble() * 0.6;
        String[] tiers = {"web", "app", "db", "batch"};
        for (int v = 0; v < 200; v++) {
            int h = random.nextInt(hostCount);
            int cpu = 1 + random.nextInt(4);
            int gib = 2 << random.nextInt(4);
            if (freeMemory[h] - gib < (1 - fill) * memory[h] || freeCpu[h] < cpu) {
                continue;
            }
            freeCpu[h] -= cpu;
            freeMemory[h] -= gib;
            Set<String> anti = random.nextInt(10) == 0 ? Set.of("pair-" + random.nextInt(3)) : Set.of();
            Set<String> licences = h % 3 == 0 && random.nextInt(8) == 0 ? Set.of("oracle") : Set.of();
            room.vm(vm("vm" + v, "h" + (h + 1), cpu, gib, random.nextInt(4), tiers[random.nextInt(tiers.length)],
                    anti, licences, "shared"));
        }
        return room.build();
    }
}
