package dev.paddock.ha;

import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "Tolerate N host failures": would the protected VMs of any N failed hosts of a cluster still restart on the
 * survivors? Answered with the same {@link FailoverPlanner} that runs a real failover, so admission and recovery
 * cannot disagree on what fits, in the two ways failures come:
 *
 * <ul>
 *   <li>together: every combination of 2 to N hosts fails at once, one plan restarts all their VMs;
 *   <li>one after the other: every ordered sequence of up to N hosts, each failure planned on the room the previous
 *       restarts left. Greedy restarts of the first failure can leave the survivors too fragmented (or their
 *       anti-affinity groups too spread) for the second, even though the same two hosts failing together fit;
 *       the simulation found such rooms, so both are checked.
 * </ul>
 *
 * <p>Cost: n!/(n-N)! sequences plus C(n, N) combinations, each one plan of the cluster alone: for N = 2 and 32
 * hosts, about 1,500 plans.
 */
public final class AdmissionControl {

    private final FailoverPlanner planner;
    private final FailoverPolicy policy;

    public AdmissionControl(FailoverPlanner planner, FailoverPolicy policy) {
        this.planner = planner;
        this.policy = policy;
    }

    public static AdmissionControl standard() {
        return new AdmissionControl(FailoverPlanner.standard(), FailoverPolicy.DEFAULT);
    }

    /** Whether the cluster, as the room shows it, keeps its promise. */
    public AdmissionVerdict check(Room room, String clusterId) {
        Cluster cluster = room.cluster(clusterId)
                .orElseThrow(() -> new IllegalArgumentException("the room has no cluster " + clusterId));
        int tolerated = cluster.toleratedHostFailures();
        if (!cluster.haEnabled() || tolerated == 0) {
            return new AdmissionVerdict.Admitted(clusterId, 0, 0);
        }
        List<String> hosts = room.hostsOf(clusterId).stream()
                .filter(Host::acceptsVms)
                .filter(h -> !policy.unavailableHostIds().contains(h.id()))
                .map(Host::id)
                .toList();
        if (hosts.size() <= tolerated) {
            List<Unplaced> none = List.of();
            return new AdmissionVerdict.Refused(clusterId, tolerated, hosts, none, "cluster " + clusterId
                    + " promises to tolerate " + failures(tolerated) + " but has only " + hosts.size()
                    + " host" + (hosts.size() == 1 ? "" : "s") + " up: no host would survive to restart VMs");
        }
        Room clusterRoom = clusterOnly(room, clusterId);
        int[] checked = {0};
        Optional<AdmissionVerdict.Refused> refused = oneAfterTheOther(clusterRoom, cluster, hosts, List.of(), checked);
        for (int size = 2; size <= tolerated && refused.isEmpty(); size++) {
            for (List<String> failed : combinations(hosts, size)) {
                checked[0]++;
                FailoverPlan plan = planner.plan(clusterRoom, new HashSet<>(failed), policy);
                if (!plan.restartsEverything()) {
                    refused = Optional.of(refusal(clusterRoom, cluster, failed, plan, " together"));
                    break;
                }
            }
        }
        return refused.<AdmissionVerdict>map(r -> r)
                .orElseGet(() -> new AdmissionVerdict.Admitted(clusterId, tolerated, checked[0]));
    }

    /** Fails each remaining host after {@code failed}, on the room their restarts left, up to the promise. */
    private Optional<AdmissionVerdict.Refused> oneAfterTheOther(Room room, Cluster cluster, List<String> hosts,
            List<String> failed, int[] checked) {
        for (String host : hosts) {
            if (failed.contains(host)) {
                continue;
            }
            List<String> sequence = new ArrayList<>(failed);
            sequence.add(host);
            checked[0]++;
            FailoverPlan plan = planner.plan(room, new HashSet<>(sequence), policy);
            if (!plan.restartsEverything()) {
                String how = sequence.size() > 1 ? " one after the other" : "";
                return Optional.of(refusal(room, cluster, sequence, plan, how));
            }
            if (sequence.size() < cluster.toleratedHostFailures()) {
                Optional<AdmissionVerdict.Refused> later =
                        oneAfterTheOther(restarted(room, plan), cluster, hosts, sequence, checked);
                if (later.isPresent()) {
                    return later;
                }
            }
        }
        return Optional.empty();
    }

    /** The room once a plan's restarts ran. */
    private static Room restarted(Room room, FailoverPlan plan) {
        Room after = room;
        for (Restart restart : plan.restarts()) {
            Vm vm = after.vm(restart.vmId()).orElseThrow();
            after = after.with(vm.withHost(restart.toHostId()).withState(VmState.RUNNING));
        }
        return after;
    }

    /**
     * Whether starting {@code vm} on {@code hostId} keeps the promise of the VM's cluster. A refusal's reason
     * begins with what was asked, so it reads as the answer to the request.
     */
    public AdmissionVerdict admitStart(Room room, Vm vm, String hostId) {
        Room after = room.with(vm.withHost(hostId).withState(VmState.RUNNING));
        AdmissionVerdict verdict = check(after, vm.clusterId());
        if (verdict instanceof AdmissionVerdict.Refused refused) {
            return new AdmissionVerdict.Refused(refused.clusterId(), refused.toleratedFailures(),
                    refused.failedHostIds(), refused.unplaced(),
                    "starting VM " + vm.name() + " on " + hostId + " is refused: " + refused.reason());
        }
        return verdict;
    }

    private static AdmissionVerdict.Refused refusal(Room room, Cluster cluster, List<String> failed,
            FailoverPlan plan, String how) {
        List<Unplaced> unplaced = plan.unplaced();
        List<String> names = unplaced.stream().map(Unplaced::vmName).toList();
        String listed = String.join(", ", names.subList(0, Math.min(5, names.size())))
                + (names.size() > 5 ? ", ..." : "");
        String reason = "cluster " + cluster.id() + " could not tolerate " + failures(cluster.toleratedHostFailures())
                + ": if " + String.join(" and ", failed) + " failed" + how + ", " + unplaced.size() + " protected VM"
                + (unplaced.size() == 1 ? "" : "s") + " (" + listed + ") could not restart; "
                + shortfall(room, plan) + ". First refusal: " + unplaced.get(0).vmName() + ": "
                + unplaced.get(0).reason();
        return new AdmissionVerdict.Refused(cluster.id(), cluster.toleratedHostFailures(), failed, unplaced, reason);
    }

    /** By how much the survivors fall short, dimension by dimension, or that the shortage is one of shape. */
    static String shortfall(Room room, FailoverPlan plan) {
        Resources needed = Resources.ZERO;
        for (Unplaced vm : plan.unplaced()) {
            needed = needed.plus(room.vm(vm.vmId()).map(Vm::demand).orElse(Resources.ZERO));
        }
        List<String> shorts = new ArrayList<>();
        for (Resources.Kind kind : Resources.Kind.values()) {
            long missing = needed.get(kind) - Math.max(0, plan.survivorsFree().get(kind));
            if (missing > 0) {
                shorts.add(missing + " " + kind.unit() + " of " + kind.label());
            }
        }
        if (shorts.isEmpty()) {
            return "the survivors have enough free in total, but not on hosts these VMs may use";
        }
        return "the survivors are short by " + String.join(" and ", shorts);
    }

    /** The cluster's hosts and the VMs on them, so that each of the many plans reads only what it can touch. */
    private static Room clusterOnly(Room room, String clusterId) {
        List<Host> hosts = room.hostsOf(clusterId);
        Set<String> ids = new HashSet<>();
        hosts.forEach(h -> ids.add(h.id()));
        List<Vm> vms = room.vms().stream().filter(vm -> vm.hostId().filter(ids::contains).isPresent()).toList();
        return new Room(room.sites(), room.clusters(), hosts, vms, room.networks(), room.datastores())
                .withLicensing(room.licensing());
    }

    private static String failures(int count) {
        return count + " host failure" + (count == 1 ? "" : "s");
    }

    /** Every subset of {@code items} of {@code size}, in lexicographic order of positions. */
    static List<List<String>> combinations(List<String> items, int size) {
        List<List<String>> all = new ArrayList<>();
        int[] index = new int[size];
        for (int i = 0; i < size; i++) {
            index[i] = i;
        }
        while (true) {
            List<String> combination = new ArrayList<>(size);
            for (int i : index) {
                combination.add(items.get(i));
            }
            all.add(combination);
            int i = size - 1;
            while (i >= 0 && index[i] == items.size() - size + i) {
                i--;
            }
            if (i < 0) {
                return all;
            }
            index[i]++;
            for (int j = i + 1; j < size; j++) {
                index[j] = index[j - 1] + 1;
            }
        }
    }
}
