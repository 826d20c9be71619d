package dev.paddock.placement.consolidation;

import dev.paddock.model.Resources;
import dev.paddock.placement.packing.FitDecreasing;
import dev.paddock.placement.packing.Packing;
import dev.paddock.placement.packing.PackingProblem;
import dev.paddock.placement.packing.PoolSearch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Physical servers to VMs, one per application ({@link PhysicalServer#split}), packed on as few hosts of one model
 * as fit, plus one spare host so that the loss of any host can be absorbed (N+1): the spare alone can take every VM
 * of any one host.
 *
 * <p>The packing is the engine's ({@link FitDecreasing} then {@link PoolSearch}); a server marked
 * anti-affinity then has its VMs moved apart, each extra VM to the first host with room and none of its siblings, or
 * to a new host. Pure: the time budget of the packing search is read from the caller's {@code nanoTime} (bounded by
 * {@code maxTries} as well, for a seeded, repeatable plan).
 */
public final class ConsolidationPlanner {
    private ConsolidationPlanner() {}

    /**
     * One VM of the plan: its name, the server and application it comes from, what it needs, the host it lands on
     * (0-based), and the licences it carries over from its server.
     */
    public record Migration(String vm, String server, String application, Resources demand, int host,
            List<String> licences) {
        public Migration {
            licences = List.copyOf(licences);
        }
    }

    /** A licence counted before (one per physical server) and after (per VM, and per host running such a VM). */
    public record LicenceCount(String licence, int physicalServers, int vms, int hosts) {}

    /**
     * @param hostsForLoad hosts the VMs need
     */
    public record Plan(HostModel hostModel, int headroomPercent, List<PhysicalServer> servers,
            List<Migration> migrations, int hostsForLoad) {
        public Plan {
            servers = List.copyOf(servers);
            migrations = List.copyOf(migrations);
        }

        /** {@code hostsForLoad + 1}, what to buy or keep (N+1); none when there is nothing to run. */
        public int hostsWithSpare() {
            return hostsForLoad == 0 ? 0 : hostsForLoad + 1;
        }

        /** Physical servers retired minus the hosts kept. */
        public int serversSaved() {
            return servers.size() - hostsWithSpare();
        }

        /** Measured draw of the physical servers, in watts. */
        public long wattsBefore() {
            return servers.stream().mapToLong(PhysicalServer::watts).sum();
        }

        /** The hosts, spare included, at the model's rated draw: an upper bound, hosts idle below it. */
        public long wattsAfter() {
            return hostsWithSpare() * hostModel.watts();
        }

        /** What the physical servers cost to buy. */
        public long costBefore() {
            return servers.stream().mapToLong(PhysicalServer::cost).sum();
        }

        /** What the hosts, spare included, cost to buy. */
        public long costAfter() {
            return hostsWithSpare() * hostModel.cost();
        }

        /** The summed demand of the VMs on each host, in host order. */
        public List<Resources> hostLoads() {
            List<Resources> loads = new ArrayList<>();
            for (int h = 0; h < hostsForLoad; h++) {
                loads.add(Resources.ZERO);
            }
            for (Migration m : migrations) {
                loads.set(m.host(), loads.get(m.host()).plus(m.demand()));
            }
            return loads;
        }

        /** Each licence in name order, before and after. */
        public List<LicenceCount> licences() {
            Map<String, int[]> counts = new TreeMap<>();
            for (PhysicalServer server : servers) {
                for (String licence : server.licences()) {
                    counts.computeIfAbsent(licence, l -> new int[2])[0]++;
                }
            }
            Map<String, Set<Integer>> hosts = new HashMap<>();
            for (Migration m : migrations) {
                for (String licence : m.licences()) {
                    counts.computeIfAbsent(licence, l -> new int[2])[1]++;
                    hosts.computeIfAbsent(licence, l -> new HashSet<>()).add(m.host());
                }
            }
            List<LicenceCount> result = new ArrayList<>();
            counts.forEach((licence, c) -> result.add(new LicenceCount(licence, c[0], c[1],
                    hosts.getOrDefault(licence, Set.of()).size())));
            return result;
        }
    }

    public static Plan plan(List<PhysicalServer> servers, HostModel hostModel, int headroomPercent,
            Duration budget, LongSupplier nanoTime, long seed, long maxTries) {
        if (headroomPercent < 0 || headroomPercent > 1000) {
            throw new IllegalArgumentException("headroom must be between 0 and 1000 percent, was " + headroomPercent);
        }
        Resources capacity = hostModel.capacity();
        List<PhysicalServer.VmDemand> vms = new ArrayList<>();
        List<PhysicalServer> owners = new ArrayList<>();
        for (PhysicalServer server : servers) {
            for (PhysicalServer.VmDemand vm : server.split(headroomPercent)) {
                if (!vm.demand().fitsIn(capacity)) {
                    throw new ServerInventory.InvalidInventoryException("server " + server.name() + ": VM " + vm.name()
                            + " needs " + vm.demand() + ", more than one host offers (" + capacity + ")");
                }
                vms.add(vm);
                owners.add(server);
            }
        }
        if (vms.isEmpty()) {
            return new Plan(hostModel, headroomPercent, servers, List.of(), 0);
        }
        List<Resources> demands = vms.stream().map(PhysicalServer.VmDemand::demand).toList();
        PackingProblem problem = new PackingProblem(capacity, demands, 0);
        Packing ffd = FitDecreasing.FIRST_FIT.pack(problem);
        Packing bfd = FitDecreasing.BEST_FIT.pack(problem);
        Packing packing = PoolSearch.improve(problem, bfd.bins() < ffd.bins() ? bfd : ffd, budget, nanoTime,
                seed, maxTries);
        int[] hostOf = new int[vms.size()];
        for (int i = 0; i < hostOf.length; i++) {
            hostOf[i] = packing.binOf(i);
        }
        int hosts = keepApart(demands, owners, hostOf, packing.bins(), capacity);
        List<Migration> migrations = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            PhysicalServer.VmDemand vm = vms.get(i);
            migrations.add(new Migration(vm.name(), owners.get(i).name(), vm.application(), vm.demand(), hostOf[i],
                    owners.get(i).licences()));
        }
        return new Plan(hostModel, headroomPercent, servers, migrations, hosts);
    }

    /**
     * Moves the VMs of an anti-affinity server that share a host with a sibling: each to the first host with room
     * and no sibling, else to a new host. Returns the number of hosts.
     */
    static int keepApart(List<Resources> demands, List<PhysicalServer> owners, int[] hostOf, int bins,
            Resources capacity) {
        List<Resources> loads = new ArrayList<>();
        for (int h = 0; h < bins; h++) {
            loads.add(Resources.ZERO);
        }
        for (int i = 0; i < hostOf.length; i++) {
            loads.set(hostOf[i], loads.get(hostOf[i]).plus(demands.get(i)));
        }
        Map<String, Set<Integer>> taken = new HashMap<>();
        for (int i = 0; i < hostOf.length; i++) {
            PhysicalServer owner = owners.get(i);
            if (!owner.antiAffinity()) {
                continue;
            }
            Set<Integer> siblings = taken.computeIfAbsent(owner.name(), n -> new HashSet<>());
            if (siblings.add(hostOf[i])) {
                continue;
            }
            loads.set(hostOf[i], loads.get(hostOf[i]).minus(demands.get(i)));
            int target = -1;
            for (int h = 0; h < loads.size() && target < 0; h++) {
                if (!siblings.contains(h) && loads.get(h).plus(demands.get(i)).fitsIn(capacity)) {
                    target = h;
                }
            }
            if (target < 0) {
                target = loads.size();
                loads.add(Resources.ZERO);
            }
            loads.set(target, loads.get(target).plus(demands.get(i)));
            hostOf[i] = target;
            siblings.add(target);
        }
        return loads.size();
    }
}
