package dev.paddock.drs;

import dev.paddock.ha.control.HaController;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.Room;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.placement.Claims;
import dev.paddock.placement.Evacuation;
import dev.paddock.placement.PlacementEngine;
import dev.paddock.store.InventoryStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's power saving (DPM) as the API and the controller both use it: the {@link PowerPlanner} decides on the
 * room, the loads balancing reads from monitoring, and the standby hosts the store keeps; a standby enters
 * maintenance (HA disarmed, no placement) under the placement ledger's lock, then one operation migrates the host's
 * VMs and powers it off through its fence device; a wake powers it on the same way, and once it answers it leaves
 * maintenance ({@link #reconcile}).
 */
public final class PowerSaving {

    private static final Logger LOG = LoggerFactory.getLogger(PowerSaving.class);
    public static final String STANDBY = "host.standby";
    public static final String WAKE = "host.wake";
    /** Who power saving's operations and maintenance changes are by. */
    public static final String OWNER = "power saving";

    private final InventoryStore store;
    private final HaController ha;
    private final Balancing balancing;
    private final Operations operations;
    private final Clock clock;
    private final PowerPlanner planner = new PowerPlanner();
    private final PlacementEngine engine = PlacementEngine.liveMove();

    public PowerSaving(InventoryStore store, HaController ha, Balancing balancing, Operations operations, Clock clock) {
        this.store = store;
        this.ha = ha;
        this.balancing = balancing;
        this.operations = operations;
        this.clock = clock;
    }

    /** A round's decision and the operation that carries it out, if any. */
    public record Applied(PowerPlanner.Decision decision, Optional<OperationView> operation) {}

    public PowerPolicy policy(String clusterId) {
        return store.powerPolicy(clusterId).orElse(PowerPolicy.DEFAULT);
    }

    public void put(String clusterId, PowerPolicy policy) {
        store.put(clusterId, policy);
    }

    /** The hosts of the cluster power saving holds in standby (or is waking). */
    public List<HostStandby> standbys(String clusterId) {
        return store.standbys().stream().filter(s -> s.clusterId().equals(clusterId) && s.held()).toList();
    }

    /** What a round would decide now, nothing done. */
    public PowerPlanner.Decision decision(String clusterId) {
        reconcile();
        return ha.ledger().peek((room, claims) -> decide(room, clusterId));
    }

    /** A round now: its decision carried out by {@code owner}. */
    public Applied apply(String clusterId, String owner) {
        reconcile();
        List<PowerPlanner.Decision> decided = new ArrayList<>(1);
        Optional<OperationView> view = ha.ledger().submit((room, claims) -> {
            PowerPlanner.Decision decision = decide(room, clusterId);
            decided.add(decision);
            return switch (decision) {
                case PowerPlanner.Hold hold -> Optional.empty();
                case PowerPlanner.PowerOn on -> Optional.of(new OperationPlan(WAKE, clusterId, owner,
                        on.hostIds().stream().<Step>map(Step.PowerOnHost::new).toList()));
                case PowerPlanner.Standby standby -> standbyPlan(room, claims, standby, owner);
            };
        });
        PowerPlanner.Decision decision = decided.getFirst();
        view.ifPresent(v -> record(clusterId, decision, v));
        return new Applied(decision, view);
    }

    /**
     * The host enters maintenance, then its VMs move as the evacuation plans them (again, now that it takes none, and
     * seeing the room other operations hold) and it powers off.
     */
    private Optional<OperationPlan> standbyPlan(Room room, Claims claims, PowerPlanner.Standby standby, String owner) {
        Host host = room.host(standby.hostId()).orElseThrow();
        ha.enterMaintenance(host, owner);
        if (!(engine.evacuate(store.room(), claims, host.id()) instanceof Evacuation.Moves moves)) {
            ha.exitMaintenance(host, owner);
            return Optional.empty();
        }
        List<Step> steps = new ArrayList<>(moves.operation(owner, Evacuation.PARALLEL_MIGRATIONS)
                .map(OperationPlan::steps).orElse(List.of()));
        steps.add(new Step.PowerOffHost(host.id()));
        return Optional.of(new OperationPlan(STANDBY, host.id(), owner, steps));
    }

    private void record(String clusterId, PowerPlanner.Decision decision, OperationView view) {
        Instant now = clock.instant();
        switch (decision) {
            case PowerPlanner.Standby standby -> store.put(new HostStandby(standby.hostId(), clusterId,
                    HostStandby.State.STANDBY, now, view.id(), Optional.empty()));
            case PowerPlanner.PowerOn on -> on.hostIds().forEach(id -> store.put(new HostStandby(id, clusterId,
                    HostStandby.State.WAKING, now, view.id(), Optional.empty())));
            case PowerPlanner.Hold hold -> { }
        }
    }

    private PowerPlanner.Decision decide(Room room, String clusterId) {
        Instant now = clock.instant();
        Set<String> held = new HashSet<>();
        Optional<Instant> lastPowerOn = Optional.empty();
        for (HostStandby s : store.standbys()) {
            if (!s.clusterId().equals(clusterId)) {
                continue;
            }
            if (s.state() == HostStandby.State.STANDBY) {
                held.add(s.hostId());
            }
            if (s.state() == HostStandby.State.WAKING) {
                return new PowerPlanner.Hold("host " + s.hostId() + " is waking (operation " + s.operationId()
                        + "): power saving waits until it is back");
            }
            Optional<Instant> woke = s.wokenAt();
            if (woke.isPresent() && (lastPowerOn.isEmpty() || woke.get().isAfter(lastPowerOn.get()))) {
                lastPowerOn = woke;
            }
        }
        return planner.plan(room, clusterId, balancing.loads(room, clusterId), held, lastPowerOn, now,
                policy(clusterId));
    }

    /**
     * Follows the standbys: a host whose standby operation failed leaves maintenance (it is still on); a woken host
     * whose operation is done and that answers again leaves maintenance and takes VMs; a wake that failed leaves
     * the host in standby.
     */
    public synchronized void reconcile() {
        for (HostStandby s : store.standbys()) {
            if (!s.held()) {
                continue;
            }
            Optional<OperationView> op = operations.get(s.operationId());
            if (op.isEmpty() || !op.get().state().isFinal()) {
                continue;
            }
            Optional<Host> host = store.host(s.hostId());
            if (host.isEmpty()) {
                continue;
            }
            boolean done = op.get().state() == OperationState.DONE;
            if (s.state() == HostStandby.State.STANDBY && !done && op.get().kind().equals(STANDBY)) {
                ha.exitMaintenance(host.get(), OWNER);
                store.put(new HostStandby(s.hostId(), s.clusterId(), HostStandby.State.AWAKE, s.since(),
                        s.operationId(), Optional.of(clock.instant())));
                LOG.warn("host {} did not go to standby (operation {} {}): it takes VMs again", host.get().name(),
                        s.operationId(), op.get().state());
            } else if (s.state() == HostStandby.State.WAKING && !done) {
                store.put(new HostStandby(s.hostId(), s.clusterId(), HostStandby.State.STANDBY, s.since(),
                        s.operationId(), Optional.empty()));
                LOG.warn("host {} did not wake (operation {} {}): it stays in standby", host.get().name(),
                        s.operationId(), op.get().state());
            } else if (s.state() == HostStandby.State.WAKING && host.get().state() != HostState.DISCONNECTED) {
                ha.exitMaintenance(host.get(), OWNER);
                store.put(new HostStandby(s.hostId(), s.clusterId(), HostStandby.State.AWAKE, s.since(),
                        s.operationId(), Optional.of(clock.instant())));
                LOG.info("host {} is back from standby and takes VMs", host.get().name());
            }
        }
    }
}
