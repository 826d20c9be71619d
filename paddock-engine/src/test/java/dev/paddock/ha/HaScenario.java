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
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * One seeded HA scenario: a small cluster and a timeline of incidents. The kind of scenario is drawn from the
 * seed: host crashes, multiple failures (one during the other's recovery), flapping, isolation, partitions (with
 * and without the BMC), failing fence devices, fast reboots, and manager crashes, one of them mid-recovery and
 * others sprinkled over every kind.
 */
record HaScenario(long seed, String kind, Room room, List<Timed> timeline, int seconds) {

    /** Something that happens to the room, or to the manager. */
    sealed interface Incident {
        record Crash(String host) implements Incident {}

        record PowerOn(String host) implements Incident {}

        record Isolate(String host) implements Incident {}

        record Reconnect(String host) implements Incident {}

        /** The host loses its storage network: its datastore heartbeat stops. */
        record CutStorage(String host) implements Incident {}

        record RestoreStorage(String host) implements Incident {}

        /** The host's BMC stops answering. */
        record CutBmc(String host) implements Incident {}

        record RestoreBmc(String host) implements Incident {}

        /** The fence device fails its next calls. */
        record FailFences(int calls) implements Incident {}

        /** The manager dies: the HA loop's state is lost and rebuilt. */
        record ManagerCrash() implements Incident {}
    }

    record Timed(int second, Incident incident) {}

    static final String[] KINDS = {"crash", "double-crash", "flapping", "isolation", "partition", "full-partition",
            "failing-fence", "fast-reboot", "cascade", "manager-crash-mid-recovery", "mixed"};

    static HaScenario generate(long seed) {
        Random random = new Random(seed);
        Room room = room(random);
        List<String> hosts = room.hosts().stream().map(Host::id).toList();
        String kind = KINDS[(int) Math.floorMod(seed, (long) KINDS.length)];
        List<Timed> timeline = new ArrayList<>();
        int start = 5 + random.nextInt(20);
        switch (kind) {
            case "crash" -> timeline.add(new Timed(start, new Incident.Crash(pick(random, hosts))));
            case "double-crash" -> {
                List<String> two = distinct(random, hosts, 2);
                timeline.add(new Timed(start, new Incident.Crash(two.get(0))));
                timeline.add(new Timed(start + random.nextInt(25), new Incident.Crash(two.get(1))));
            }
            case "flapping" -> {
                String host = pick(random, hosts);
                int t = start;
                for (int i = 0; i < 4 + random.nextInt(6); i++) {
                    timeline.add(new Timed(t, new Incident.Isolate(host)));
                    t += 1 + random.nextInt(12);
                    timeline.add(new Timed(t, new Incident.Reconnect(host)));
                    t += 1 + random.nextInt(6);
                }
            }
            case "isolation" -> isolate(random, timeline, pick(random, hosts), start, false, false);
            case "partition" -> isolate(random, timeline, pick(random, hosts), start, true, false);
            case "full-partition" -> isolate(random, timeline, pick(random, hosts), start, true, true);
            case "failing-fence" -> {
                timeline.add(new Timed(start, new Incident.FailFences(1 + random.nextInt(4))));
                timeline.add(new Timed(start, new Incident.Crash(pick(random, hosts))));
            }
            case "fast-reboot" -> {
                String host = pick(random, hosts);
                timeline.add(new Timed(start, new Incident.Crash(host)));
                timeline.add(new Timed(start + 1 + random.nextInt(30), new Incident.PowerOn(host)));
            }
            case "cascade" -> {
                // The second host dies while the first one's VMs are being restarted, some of them onto it.
                List<String> two = distinct(random, hosts, 2);
                timeline.add(new Timed(start, new Incident.Crash(two.get(0))));
                timeline.add(new Timed(start + 10 + random.nextInt(4), new Incident.Crash(two.get(1))));
            }
            case "manager-crash-mid-recovery" -> {
                timeline.add(new Timed(start, new Incident.Crash(pick(random, hosts))));
                timeline.add(new Timed(start + 10 + random.nextInt(4), new Incident.ManagerCrash()));
            }
            default -> mixed(random, timeline, hosts, start);
        }
        if (random.nextInt(3) == 0 || kind.equals("mixed")) {
            for (int i = 0; i < 1 + random.nextInt(3); i++) {
                timeline.add(new Timed(start + random.nextInt(40), new Incident.ManagerCrash()));
            }
        }
        timeline.sort(Comparator.comparingInt(Timed::second));
        int last = timeline.stream().mapToInt(Timed::second).max().orElse(0);
        return new HaScenario(seed, kind, room, List.copyOf(timeline), last + 120);
    }

    private static void isolate(Random random, List<Timed> timeline, String host, int start, boolean storage,
            boolean bmc) {
        int end = start + 2 + random.nextInt(40);
        timeline.add(new Timed(start, new Incident.Isolate(host)));
        if (storage) {
            timeline.add(new Timed(start, new Incident.CutStorage(host)));
        }
        if (bmc) {
            timeline.add(new Timed(start, new Incident.CutBmc(host)));
        }
        timeline.add(new Timed(end, new Incident.Reconnect(host)));
        if (storage) {
            timeline.add(new Timed(end, new Incident.RestoreStorage(host)));
        }
        if (bmc) {
            timeline.add(new Timed(end, new Incident.RestoreBmc(host)));
        }
    }

    private static void mixed(Random random, List<Timed> timeline, List<String> hosts, int start) {
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            String host = pick(random, hosts);
            int at = start + random.nextInt(50);
            switch (random.nextInt(6)) {
                case 0 -> timeline.add(new Timed(at, new Incident.Crash(host)));
                case 1 -> isolate(random, timeline, host, at, false, false);
                case 2 -> isolate(random, timeline, host, at, true, false);
                case 3 -> isolate(random, timeline, host, at, true, true);
                case 4 -> timeline.add(new Timed(at, new Incident.FailFences(1 + random.nextInt(3))));
                default -> {
                    timeline.add(new Timed(at, new Incident.Crash(host)));
                    timeline.add(new Timed(at + 1 + random.nextInt(40), new Incident.PowerOn(host)));
                }
            }
        }
    }

    /**
     * 4 to 7 hosts in one cluster tolerating 1 or 2 failures, one shared datastore, VMs of whole cores filled to
     * 30 to 75 % of memory, priorities 0 to 3, tiers, and a few anti-affinity pairs on distinct hosts.
     */
    static Room room(Random random) {
        int hostCount = 4 + random.nextInt(4);
        int tolerated = hostCount >= 6 && random.nextBoolean() ? 2 : 1;
        List<Host> hosts = new ArrayList<>();
        long[] freeCpu = new long[hostCount];
        long[] freeMemory = new long[hostCount];
        Set<String> ids = new LinkedHashSet<>();
        for (int h = 0; h < hostCount; h++) {
            String id = "h" + (h + 1);
            Resources capacity = Resources.of(16_000 + 8_000L * random.nextInt(2), 65_536 + 32_768L * random.nextInt(2),
                    10_000, 10_000);
            hosts.add(new Host(id, "c1", id, "sim://" + id, capacity, HostState.CONNECTED, PowerState.ON, Set.of()));
            freeCpu[h] = capacity.cpuMillicores();
            freeMemory[h] = capacity.memoryMib();
            ids.add(id);
        }
        double fill = 0.3 + random.nextDouble() * 0.45;
        String[] tiers = {"web", "app", "db"};
        List<Vm> vms = new ArrayList<>();
        for (int v = 0; v < 60; v++) {
            int h = random.nextInt(hostCount);
            long cpu = 1_000L * (1 + random.nextInt(2));
            long memory = 2_048L << random.nextInt(3);
            long capacity = hosts.get(h).capacity().memoryMib();
            if (freeMemory[h] - memory < (1 - fill) * capacity || freeCpu[h] < cpu) {
                continue;
            }
            freeCpu[h] -= cpu;
            freeMemory[h] -= memory;
            Set<String> anti = Set.of();
            if (v < 8 && random.nextInt(3) == 0) {
                anti = Set.of("pair-" + v % 4);
                final String group = "pair-" + v % 4;
                final String host = "h" + (h + 1);
                boolean clash = vms.stream().anyMatch(o -> o.antiAffinityGroups().contains(group)
                        && o.hostId().orElseThrow().equals(host));
                if (clash) {
                    anti = Set.of();
                }
            }
            vms.add(new Vm("vm-%02d-%d".formatted(v, random.nextInt(1000)), "vm%02d".formatted(v), "c1",
                    Optional.of("h" + (h + 1)), Resources.of(cpu, memory, 10, 10), VmState.RUNNING, VmOrigin.MANAGED,
                    tiers[random.nextInt(tiers.length)], random.nextInt(4), Set.of(), anti, Set.of(),
                    List.of(new Disk("root", "shared", 10)), List.of()));
        }
        return new Room(List.of(new Site("s1", "s1", "")), List.of(new Cluster("c1", "s1", "c1", true, tolerated)),
                hosts, vms, List.of(), List.of(new Datastore("shared", "s1", "shared", true, 100_000, 100_000, ids)));
    }

    private static String pick(Random random, List<String> hosts) {
        return hosts.get(random.nextInt(hosts.size()));
    }

    private static List<String> distinct(Random random, List<String> hosts, int count) {
        List<String> shuffled = new ArrayList<>(hosts);
        java.util.Collections.shuffle(shuffled, random);
        return shuffled.subList(0, count);
    }
}
