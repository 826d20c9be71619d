package dev.paddock.ha;

import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.placement.Claims;
import dev.paddock.placement.HostView;
import dev.paddock.placement.Placement;
import dev.paddock.placement.PlacementEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Plans the restart of the protected VMs of failed hosts on the survivors of their cluster. Pure: the room,
 * the failed hosts and a policy in, a {@link FailoverPlan} out.
 *
 * <pre>
 * protected VMs of the failed hosts that were not stopped
 *   -&gt; order: dependencies first, then HA priority (higher first), tier (db, app, web), name
 *   -&gt; for each: survivors of its cluster -&gt; the placement engine's filters and scorers
 *   -&gt; the chosen host's view is charged with the VM
 *   -&gt; or Unplaced, with every host's rejection and the engine's sentence
 * </pre>
 *
 * <p>Survivors count the room other unfinished operations have claimed ({@link Claims}), so a failover planned
 * while creates run does not take their room.
 */
public final class FailoverPlanner {

    private static final FailoverPlanner DEFAULT = new FailoverPlanner(PlacementEngine.failover());

    private final PlacementEngine engine;

    public FailoverPlanner(PlacementEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The planner on the balancing engine: restarts spread over the survivors. */
    public static FailoverPlanner standard() {
        return DEFAULT;
    }

    public FailoverPlan plan(Room room, Set<String> failedHostIds, FailoverPolicy policy) {
        return plan(room, Claims.NONE, failedHostIds, policy);
    }

    /** The plan, counting {@code claims} as used on the survivors. */
    public FailoverPlan plan(Room room, Claims claims, Set<String> failedHostIds, FailoverPolicy policy) {
        List<Vm> victims = victims(room, failedHostIds);
        Map<String, HostView> survivors = survivors(room, claims, failedHostIds, policy, victims);
        Map<String, Vm> byId = new LinkedHashMap<>();
        victims.forEach(vm -> byId.put(vm.id(), vm));

        List<Restart> restarts = new ArrayList<>();
        List<Unplaced> unplaced = new ArrayList<>();
        Set<String> down = new HashSet<>();
        for (Vm vm : order(victims, byId.keySet(), policy, unplaced, down)) {
            Optional<String> missing = policy.dependencies().getOrDefault(vm.id(), Set.of()).stream()
                    .filter(down::contains).sorted().findFirst();
            if (missing.isPresent()) {
                down.add(vm.id());
                unplaced.add(new Unplaced(vm.id(), vm.name(), from(vm), "needs VM " + nameOf(missing.get(), byId)
                        + " running first, and it could not be restarted", Map.of()));
                continue;
            }
            place(vm, room, survivors, restarts, unplaced, down);
        }
        Resources free = survivors.values().stream().map(HostView::free).reduce(Resources.ZERO, Resources::plus);
        return new FailoverPlan(failedHostIds.stream().sorted().toList(), restarts, unplaced, free);
    }

    private void place(Vm vm, Room room, Map<String, HostView> survivors, List<Restart> restarts,
            List<Unplaced> unplaced, Set<String> down) {
        List<HostView> cluster = survivors.values().stream()
                .filter(host -> host.host().clusterId().equals(vm.clusterId())).toList();
        switch (engine.choose(vm, cluster, room)) {
            case Placement.Placed placed -> {
                HostView host = survivors.get(placed.host().id());
                survivors.put(host.id(), host.receiving(vm));
                restarts.add(new Restart(vm.id(), vm.name(), from(vm), host.id(), vm.haPriority(), vm.tier()));
            }
            case Placement.Unplaceable none -> {
                down.add(vm.id());
                unplaced.add(new Unplaced(vm.id(), vm.name(), from(vm), none.explain(room, vm), none.rejections()));
            }
        }
    }

    /**
     * Hosts that may take restarts: in a cluster of a victim, up, connected, not failed, not held back by the policy.
     * Their load and anti-affinity groups come from one pass over the room's VMs.
     */
    private static Map<String, HostView> survivors(Room room, Claims claims, Set<String> failedHostIds,
            FailoverPolicy policy, List<Vm> victims) {
        Set<String> clusters = new HashSet<>();
        victims.forEach(vm -> clusters.add(vm.clusterId()));
        Map<String, Resources> used = new HashMap<>();
        Map<String, List<Vm>> on = new HashMap<>();
        Map<String, Host> candidates = new LinkedHashMap<>();
        for (Host host : room.hosts()) {
            if (clusters.contains(host.clusterId()) && host.acceptsVms() && !failedHostIds.contains(host.id())
                    && !policy.unavailableHostIds().contains(host.id())) {
                candidates.put(host.id(), host);
                used.put(host.id(), claims.usedOn(host.id(), room, ""));
                on.put(host.id(), new ArrayList<>(claims.vmsOn(host.id(), room, "")));
            }
        }
        for (Vm vm : room.vms()) {
            Optional<String> host = vm.hostId().filter(candidates::containsKey);
            if (host.isPresent()) {
                on.get(host.get()).add(vm);
                if (vm.state() != VmState.STOPPED) {
                    used.merge(host.get(), vm.demand(), Resources::plus);
                }
            }
        }
        Map<String, HostView> survivors = new LinkedHashMap<>();
        for (Host host : candidates.values()) {
            survivors.put(host.id(), new HostView(host, on.get(host.id()), used.get(host.id())));
        }
        return survivors;
    }

    /**
     * Protected VMs of the failed hosts that were meant to run (anything but stopped), in clusters where HA is
     * enabled: a VM is disabled for HA by priority 0, a cluster by its flag.
     */
    public static List<Vm> victims(Room room, Set<String> failedHostIds) {
        List<Vm> victims = new ArrayList<>();
        for (Vm vm : room.vms()) {
            boolean armed = room.cluster(vm.clusterId()).map(Cluster::haEnabled).orElse(false);
            if (armed && vm.isProtected() && vm.state() != VmState.STOPPED
                    && vm.hostId().filter(failedHostIds::contains).isPresent()) {
                victims.add(vm);
            }
        }
        return victims;
    }

    /**
     * A topological order over the dependencies among victims, taking at each step the ready VM of highest
     * priority, then earliest tier, then name. VMs in a dependency cycle are reported unplaced.
     */
    private static List<Vm> order(List<Vm> victims, Set<String> victimIds, FailoverPolicy policy,
            List<Unplaced> unplaced, Set<String> down) {
        Comparator<Vm> first = Comparator.comparingInt((Vm vm) -> -vm.haPriority())
                .thenComparingInt(vm -> policy.rankOf(vm.tier()))
                .thenComparing(Vm::name)
                .thenComparing(Vm::id);
        Map<String, Integer> waitingOn = new HashMap<>();
        Map<String, List<Vm>> dependents = new HashMap<>();
        PriorityQueue<Vm> ready = new PriorityQueue<>(first);
        for (Vm vm : victims) {
            int count = 0;
            for (String dependency : policy.dependencies().getOrDefault(vm.id(), Set.of())) {
                if (victimIds.contains(dependency) && !dependency.equals(vm.id())) {
                    count++;
                    dependents.computeIfAbsent(dependency, d -> new ArrayList<>()).add(vm);
                }
            }
            waitingOn.put(vm.id(), count);
            if (count == 0) {
                ready.add(vm);
            }
        }
        List<Vm> order = new ArrayList<>(victims.size());
        while (!ready.isEmpty()) {
            Vm next = ready.poll();
            order.add(next);
            for (Vm dependent : dependents.getOrDefault(next.id(), List.of())) {
                if (waitingOn.merge(dependent.id(), -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        for (Vm vm : victims) {
            if (waitingOn.get(vm.id()) > 0) {
                down.add(vm.id());
                unplaced.add(new Unplaced(vm.id(), vm.name(), from(vm),
                        "its dependencies form a cycle, so no restart order exists", Map.of()));
            }
        }
        return order;
    }

    private static String from(Vm vm) {
        return vm.hostId().orElse("");
    }

    private static String nameOf(String vmId, Map<String, Vm> byId) {
        return byId.containsKey(vmId) ? byId.get(vmId).name() : vmId;
    }
}
