package dev.paddock.ha;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Host;
import dev.paddock.model.PowerState;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.hypervisor.DomainBuilder;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A small HA decision loop, as the server's controller will run it: observe both paths, judge with
 * {@link HealthAssessor}, move each host's {@link HostHealth}, fence through the {@link FenceAgent}, and only
 * once a fence is confirmed plan with {@link FailoverPlanner} and start VMs through the {@link Hypervisor}.
 *
 * <p>Its own state (health, keepalive clocks, retry times) is memory only: a manager crash loses it, and a new
 * loop rebuilds it from what the hosts, the BMCs and the datastore say. What survives is the inventory (the
 * store) and the audit log.
 */
final class HaLoop {

    static final int RESTARTS_PER_TICK = 3;

    /** A deliberate fault, for proving that the simulation's checks catch a broken loop. */
    enum Flaw {
        NONE,
        /** Treats a host judged dead as fenced without asking its fence agent. */
        RESTARTS_WITHOUT_FENCE,
        /** Never restarts anything. */
        NEVER_RESTARTS
    }

    private final Room base;
    private final Map<String, Vm> inventory;
    private final Hypervisor hypervisor;
    private final FenceAgent fence;
    private final Function<String, Optional<Instant>> heartbeats;
    private final HaPolicy policy;
    private final List<String> audit;
    private final HostWatch watch = new HostWatch();
    private final Set<String> attached = new HashSet<>();
    /** VMs the last plan could not place, so that each is alarmed once rather than every tick. */
    private final Set<String> waiting = new HashSet<>();
    private final HaMetrics metrics;
    private final Flaw flaw;

    HaLoop(Room base, Map<String, Vm> inventory, Hypervisor hypervisor, FenceAgent fence,
            Function<String, Optional<Instant>> heartbeats, HaPolicy policy, List<String> audit, HaMetrics metrics,
            Flaw flaw) {
        this.flaw = flaw;
        this.base = base;
        this.inventory = inventory;
        this.hypervisor = hypervisor;
        this.fence = fence;
        this.heartbeats = heartbeats;
        this.policy = policy;
        this.audit = audit;
        this.metrics = metrics;
    }

    HostHealth health(String hostId) {
        return watch.health(hostId);
    }

    void tick(Instant now) {
        for (Host host : base.hosts()) {
            observe(host, now);
        }
        for (Host host : base.hosts()) {
            if (watch.fenceDue(host.id(), now)) {
                tryFence(host.id(), now);
            }
        }
        recover(now);
        for (Host host : base.hosts()) {
            if (watch.health(host.id()) == HostHealth.HEALTHY && connected(host)) {
                tidy(host.id());
            }
        }
    }

    /** Keepalive, then the out-of-band path when keepalive has been lost for a whole window, then the move. */
    private void observe(Host host, Instant now) {
        String id = host.id();
        watch.observe(id, connected(host), heartbeats.apply(id), () -> power(id), policy, now).ifPresent(move -> {
            audit.add(now + " " + id + " " + move.from() + " -> " + move.to() + " (" + move.reason() + ")");
            if (move.to() == HostHealth.FENCING) {
                metrics.detected(id, move.keepaliveLostSince().orElse(now), now);
            }
        });
    }

    private void tryFence(String id, Instant now) {
        FenceOutcome outcome = flaw == Flaw.RESTARTS_WITHOUT_FENCE
                ? new FenceOutcome.Done(FenceAction.OFF, "assumed")
                : fence.powerOff(SimulatedFenceAgent.deviceFor(id));
        HostWatch.Move move = watch.fenced(id, outcome, now);
        if (move.to() == HostHealth.RECOVERING) {
            for (Vm vm : List.copyOf(inventory.values())) {
                if (vm.hostId().filter(id::equals).isPresent() && vm.state() != VmState.STOPPED) {
                    inventory.put(vm.id(), vm.withState(VmState.CRASHED));
                }
            }
            audit.add(now + " " + id + " fence confirmed: " + outcome);
            metrics.fenced(id, now);
        } else {
            audit.add(now + " " + id + " ALARM " + move.reason());
        }
    }

    /** Plans from the inventory every tick, so a crash between two restarts loses nothing; runs the first few. */
    private void recover(Instant now) {
        Set<String> recovering = watch.in(HostHealth.RECOVERING);
        if (recovering.isEmpty() || flaw == Flaw.NEVER_RESTARTS) {
            return;
        }
        Room room = room();
        Set<String> unavailable = watch.unavailable();
        FailoverPlan plan = FailoverPlanner.standard().plan(room, recovering,
                FailoverPolicy.DEFAULT.withUnavailableHosts(unavailable));
        int started = 0;
        for (Restart restart : plan.restarts()) {
            if (started++ == RESTARTS_PER_TICK) {
                break;
            }
            restartVm(room, restart, now);
        }
        for (String id : recovering) {
            if (FailoverPlanner.victims(room(), Set.of(id)).isEmpty() && watch.recovered(id).isPresent()) {
                audit.add(now + " " + id + " recovery done");
                metrics.recovered(id, now);
            }
        }
        Set<String> unplaced = new HashSet<>();
        for (Unplaced vm : plan.unplaced()) {
            unplaced.add(vm.vmId());
            if (!waiting.contains(vm.vmId())) {
                audit.add(now + " ALARM " + vm.vmName() + " of " + vm.fromHostId() + " cannot restart: " + vm.reason());
            }
        }
        waiting.clear();
        waiting.addAll(unplaced);
        if (plan.restarts().isEmpty() && !plan.unplaced().isEmpty()) {
            metrics.waiting();
        }
    }

    private void restartVm(Room room, Restart restart, Instant now) {
        Vm vm = inventory.get(restart.vmId());
        try {
            hypervisor.define(restart.toHostId(), DomainBuilder.specOf(vm, room));
            hypervisor.start(restart.toHostId(), vm.id());
            inventory.put(vm.id(), vm.withHost(restart.toHostId()).withState(VmState.RUNNING));
            audit.add(now + " restarted " + vm.name() + " from " + restart.fromHostId() + " on " + restart.toHostId());
        } catch (HypervisorException e) {
            audit.add(now + " restart of " + vm.name() + " on " + restart.toHostId() + " failed, will replan: "
                    + e.getMessage());
        }
    }

    /**
     * On a healthy host: learns where VMs really run, starts again in place a protected VM whose guest crashed
     * there, and removes stale definitions of VMs that now live elsewhere, so nobody starts them by mistake.
     */
    private void tidy(String hostId) {
        List<DomainInfo> domains;
        try {
            domains = hypervisor.domains(hostId);
        } catch (HypervisorException unreachableSinceObserved) {
            return;
        }
        for (DomainInfo domain : domains) {
            Vm vm = inventory.get(domain.uuid());
            if (vm == null) {
                continue;
            }
            boolean here = vm.hostId().filter(hostId::equals).isPresent();
            boolean active = domain.state() == VmState.RUNNING || domain.state() == VmState.PAUSED;
            try {
                if (active && (!here || vm.state() != VmState.RUNNING)) {
                    inventory.put(vm.id(), vm.withHost(hostId).withState(VmState.RUNNING));
                } else if (!active && here && vm.isProtected() && vm.state() != VmState.STOPPED) {
                    hypervisor.start(hostId, vm.id());
                    inventory.put(vm.id(), vm.withState(VmState.RUNNING));
                    audit.add("restarted " + vm.name() + " in place on " + hostId);
                } else if (!active && !here) {
                    hypervisor.undefine(hostId, vm.id());
                }
            } catch (HypervisorException e) {
                audit.add("tidying " + vm.name() + " on " + hostId + " failed: " + e.getMessage());
            }
        }
    }

    private boolean connected(Host host) {
        if (!attached.contains(host.id())) {
            try {
                hypervisor.attach(host.id(), host.uri());
                attached.add(host.id());
            } catch (HypervisorException e) {
                return false;
            }
        }
        return hypervisor.isConnected(host.id());
    }

    private PowerState power(String id) {
        return switch (fence.run(SimulatedFenceAgent.deviceFor(id), FenceAction.STATUS)) {
            case FenceOutcome.Power power -> power.state();
            default -> PowerState.UNKNOWN;
        };
    }

    /** The room as HA sees it: hosts that take restarts are connected, the others are not. */
    Room room() {
        Room withInventory = new Room(base.sites(), base.clusters(), base.hosts(), inventory.values(), base.networks(),
                base.datastores());
        return watch.view(withInventory);
    }
}
