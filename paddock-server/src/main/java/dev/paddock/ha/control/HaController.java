package dev.paddock.ha.control;

import dev.paddock.ha.FailoverPlan;
import dev.paddock.ha.FailoverPlanner;
import dev.paddock.scheduling.PlacementLedger;
import java.util.concurrent.atomic.AtomicReference;
import dev.paddock.ha.FailoverPolicy;
import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.ha.HaPolicy;
import dev.paddock.ha.HostHealth;
import dev.paddock.ha.HostWatch;
import dev.paddock.ha.Restart;
import dev.paddock.ha.Unplaced;

import dev.paddock.audit.Oversight;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.StepState;
import dev.paddock.operation.plan.Step;
import dev.paddock.operation.Operations;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.store.InventoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA reconcile loop: one thread observes every armed host (keepalive through the Hypervisor port, the
 * datastore heartbeat, the fence device's status), lets {@link HostWatch} decide, and for a host judged dead plans
 * with {@link FailoverPlanner} and submits one {@code host.failover} Operation: a {@code FenceHost} step first,
 * then the restarts, which the runner never begins before the fence step is DONE. Every effect on a host is a
 * journaled step (fence, restarts, removal of stale definitions, restarts in place), so a server killed in the
 * middle finishes it once. Hypervisor callbacks and REST calls only wake it.
 *
 * <p>Never a VM twice: no plan is made while a failover operation is unfinished (the one it submitted, or one
 * the runner resumed after a restart), and before each plan the loop learns from the healthy hosts where the
 * victims really run, so a restart already done is not planned again.
 *
 * <p>Every decision goes to the audit log (actions {@code ha.*}), each fence failure raises one alarm per
 * episode and is retried, and the notifier hears the decisions people act on.
 */
public final class HaController implements AutoCloseable {

    public static final String ACTOR = "controller:ha";
    static final String FAILOVER_KIND = "host.failover";
    static final String RESTART_IN_PLACE_KIND = "host.restart-in-place";
    static final String CLEAN_STALE_KIND = "host.clean-stale";
    /** A fence that keeps failing is audited at its first failure, then once every this many attempts. */
    static final int FENCE_FAILURES_PER_AUDIT = 12;
    private static final Logger LOG = LoggerFactory.getLogger(HaController.class);
    private static final Object WAKE = new Object();
    /**
     * How soon the loop looks again at a host whose keepalive is lost: its power controller may report it off
     * (judged dead at once) well before the period would come round.
     */
    static final Duration SUSPECT_RECHECK = Duration.ofMillis(500);

    /** What HA says of one host, for {@code paddock ha status}. */
    public record HostStatus(String hostId, String hostName, String clusterId, boolean armed, HostHealth health) {}

    /** The parts the loop works with. */
    public record Wiring(InventoryStore store, Operations operations, Hypervisor hypervisor, HaSettings settings,
            FenceAgent fence, Function<Host, Optional<Instant>> heartbeats, Oversight oversight, Notifier notifier,
            HaMeters meters, Clock clock) {}

    /**
     * The failover operation this loop submitted and follows.
     *
     * @param fenceSteps the index of each fenced host's {@code FenceHost} step in the operation
     */
    private record InFlight(String operationId, Map<String, Integer> fenceSteps, List<Restart> restarts) {}

    private final Wiring wiring;
    private final Duration period;
    private final FailoverPlanner planner = FailoverPlanner.standard();
    private final PlacementLedger ledger;
    private final BlockingQueue<Object> wakeups = new LinkedBlockingQueue<>();
    private final HostWatch watch;
    private final Map<String, Instant> decidedAt = new HashMap<>();
    private final Map<String, Instant> confirmedAt = new HashMap<>();
    private final Set<String> fenceAlarmed = new HashSet<>();
    private final Map<String, Integer> fenceFailures = new HashMap<>();
    private final Set<String> unplacedAlarmed = new HashSet<>();
    private Optional<InFlight> inFlight = Optional.empty();
    /** The loop's judgement of each host at the end of its last pass, for readers on other threads. */
    private volatile Map<String, HostHealth> health = Map.of();
    private volatile boolean closing;
    /** How long the loop waits before its next pass when nothing wakes it, set at the end of each pass. */
    private volatile Duration nextWait;
    /** A host became suspect in this pass: its device may be asked at once, on the next pass. */
    private boolean newlySuspect;
    private Thread thread;
    private Hypervisor.Subscription subscription;

    /**
     * @param period how often the loop runs without being woken: a fraction of the shortest detection window
     * @param fenceRetry how long after a failed fence the next attempt is made
     */
    public HaController(Wiring wiring, Duration period, Duration fenceRetry) {
        this.wiring = wiring;
        this.period = period;
        this.nextWait = period;
        this.watch = new HostWatch(fenceRetry);
        this.ledger = new PlacementLedger(wiring.store(), wiring.operations());
    }

    /** The placement ledger restarts are planned and claimed through; the server's API places VMs through it too. */
    public PlacementLedger ledger() {
        return ledger;
    }

    public synchronized void start() {
        subscription = wiring.hypervisor().subscribe(event -> {
            if (event instanceof HypervisorEvent.HostEvent) {
                wakeups.offer(event);
            }
        });
        thread = Thread.ofPlatform().name("ha-controller").daemon().start(this::run);
    }

    /** Runs the loop soon, for example after a setting changed. */
    public void wake() {
        wakeups.offer(WAKE);
    }

    /**
     * Every stored host with whether HA is armed for it and its health as the loop last judged it; a host the loop
     * has not judged yet shows as healthy, or in maintenance when it is.
     */
    public List<HostStatus> status() {
        Map<String, HostHealth> judged = health;
        Room room = wiring.store().room();
        Set<String> maintenance = wiring.settings().hostsInMaintenance();
        Map<String, HaSettings.ClusterTuning> tunings = new HashMap<>();
        List<HostStatus> hosts = new ArrayList<>();
        for (Host host : room.hosts()) {
            boolean armed = room.cluster(host.clusterId()).filter(Cluster::haEnabled).isPresent()
                    && !tunings.computeIfAbsent(host.clusterId(), wiring.settings()::tuning).paused();
            HostHealth unjudged = maintenance.contains(host.id()) ? HostHealth.MAINTENANCE : HostHealth.HEALTHY;
            hosts.add(new HostStatus(host.id(), host.name(), host.clusterId(), armed,
                    armed ? judged.getOrDefault(host.id(), unjudged) : unjudged));
        }
        return hosts;
    }

    public HaMeters meters() {
        return wiring.meters();
    }

    public HaSettings settings() {
        return wiring.settings();
    }

    /** Disarms HA for the host and takes it out of placement; false when it was in maintenance already. */
    public boolean enterMaintenance(Host host, String actor) {
        Instant now = wiring.clock().instant();
        if (!wiring.settings().enterMaintenance(host.id(), now)) {
            return false;
        }
        if (host.state() == HostState.CONNECTED) {
            wiring.store().put(host.withState(HostState.MAINTENANCE));
        }
        wiring.oversight().audit().append(actor, "ha.maintenance.enter", host.id(),
                "host " + host.name() + " entered maintenance: HA is disarmed for it", now);
        wake();
        return true;
    }

    /** Rearms HA for the host; false when it was not in maintenance. */
    public boolean exitMaintenance(Host host, String actor) {
        Instant now = wiring.clock().instant();
        if (!wiring.settings().exitMaintenance(host.id())) {
            return false;
        }
        if (host.state() == HostState.MAINTENANCE) {
            wiring.store().put(host.withState(HostState.CONNECTED));
        }
        wiring.oversight().audit().append(actor, "ha.maintenance.exit", host.id(),
                "host " + host.name() + " left maintenance: HA is armed for it again", now);
        wake();
        return true;
    }

    private void run() {
        while (!closing) {
            try {
                wakeups.poll(nextWait.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.clear();
            } catch (InterruptedException e) {
                return;
            }
            if (closing) {
                return;
            }
            try {
                tick(wiring.clock().instant());
            } catch (RuntimeException e) {
                LOG.warn("HA pass failed, retried on the next one: {}", e.toString());
            }
        }
    }

    /** One pass: observe and judge every host, fence those due, recover the fenced ones. */
    void tick(Instant now) {
        Room room = wiring.store().room();
        Set<String> maintenance = wiring.settings().hostsInMaintenance();
        Map<String, HaSettings.ClusterTuning> tunings = new HashMap<>();
        Map<String, HostHealth> seen = new HashMap<>();
        for (Host host : room.hosts()) {
            Optional<Cluster> cluster = room.cluster(host.clusterId());
            HaSettings.ClusterTuning tuning = tunings.computeIfAbsent(host.clusterId(), wiring.settings()::tuning);
            boolean armed = cluster.filter(Cluster::haEnabled).isPresent() && !tuning.paused();
            if (maintenance.contains(host.id())) {
                keepOutOfPlacement(host);
            }
            if (!armed) {
                disarm(host, now);
            } else if (maintenance.contains(host.id())) {
                watch.maintenance(host.id(), true).ifPresent(move -> record(host, move, now));
            } else {
                watch.maintenance(host.id(), false).ifPresent(move -> record(host, move, now));
                observe(host, new HaPolicy(tuning.detectionWindow()), now);
            }
        }
        recover(room, now);
        room.hosts().forEach(host -> seen.put(host.id(), watch.health(host.id())));
        health = Map.copyOf(seen);
        nextWait = nextWait(wiring.clock().instant());
    }

    /**
     * At once after a host became suspect (the pass that sees a keepalive lost only makes it suspect; the next
     * asks its device, which may report it off); while hosts are suspect or a failover is under way (its fence
     * outcome decides the next move), every {@link #SUSPECT_RECHECK} and at the end of the first detection window
     * to end; otherwise the period.
     */
    private Duration nextWait(Instant now) {
        if (newlySuspect) {
            newlySuspect = false;
            return Duration.ZERO;
        }
        boolean suspects = !watch.in(HostHealth.SUSPECT).isEmpty() || inFlight.isPresent();
        Duration wait = suspects && SUSPECT_RECHECK.compareTo(period) < 0 ? SUSPECT_RECHECK : period;
        Optional<Duration> untilDecision = watch.nextDecision().map(at -> Duration.between(now, at))
                .map(left -> left.isNegative() ? Duration.ZERO : left);
        return untilDecision.filter(left -> left.compareTo(wait) < 0).orElse(wait);
    }

    /** A host in maintenance that reconnected shows as connected again: it must still take no VMs. */
    private void keepOutOfPlacement(Host host) {
        if (host.state() == HostState.CONNECTED) {
            wiring.store().put(host.withState(HostState.MAINTENANCE));
        }
    }

    private void disarm(Host host, Instant now) {
        HostHealth health = watch.health(host.id());
        if (health != HostHealth.HEALTHY) {
            audit("ha.host.disarmed", host.id(), "host " + host.name() + " was " + health + "; HA is disabled or"
                    + " paused for its cluster, so it is neither fenced nor recovered", now);
        }
        watch.forget(host.id());
        fenceFailures.remove(host.id());
        fenceAlarmed.remove(host.id());
        decidedAt.remove(host.id());
        confirmedAt.remove(host.id());
    }

    private void observe(Host host, HaPolicy policy, Instant now) {
        boolean connected = wiring.hypervisor().isConnected(host.id());
        // a heartbeat read a moment after the pass began is as fresh as the pass
        Optional<Instant> heartbeat = wiring.heartbeats().apply(host).map(beat -> beat.isAfter(now) ? now : beat);
        // A host judged dead stays so whatever its power says, so its device is not asked again: each status is a
        // fence-agent process that would compete with the failover for the CPU, and with the fence step for the BMC.
        HostHealth judged = watch.health(host.id());
        boolean dead = judged == HostHealth.FENCING || judged == HostHealth.RECOVERING || judged == HostHealth.FENCED;
        Optional<Instant> silent = connected ? Optional.empty() : wiring.hypervisor().silentSince(host.id());
        watch.observe(host.id(), connected, silent, heartbeat, dead ? () -> PowerState.UNKNOWN : () -> power(host),
                policy, now).ifPresent(move -> record(host, move, now));
    }

    private void record(Host host, HostWatch.Move move, Instant now) {
        String detail = "host " + host.name() + " " + move.from() + " -> " + move.to() + ": " + move.reason();
        audit("ha.host." + move.to().name().toLowerCase(java.util.Locale.ROOT), host.id(), detail, now);
        if (move.to() == HostHealth.SUSPECT) {
            newlySuspect = true;
        }
        if (move.to() == HostHealth.FENCING) {
            decidedAt.put(host.id(), now);
            move.keepaliveLostSince().ifPresent(lost -> wiring.meters().detected(Duration.between(lost, now)));
            wiring.notifier().notify(new Notifier.Notice("ha.host.dead", host.id(), detail, now));
        } else if (move.to() == HostHealth.ISOLATED) {
            wiring.notifier().notify(new Notifier.Notice("ha.host.isolated", host.id(), detail, now));
        } else if (move.from() == HostHealth.FENCED && move.to() == HostHealth.HEALTHY) {
            removeStaleDefinitions(host, now);
            restartInPlace(host, now);
        }
    }

    private PowerState power(Host host) {
        return switch (wiring.settings().fenceDevice(host.id()).map(d -> wiring.fence().run(d, FenceAction.STATUS))
                .orElse(null)) {
            case FenceOutcome.Power power -> power.state();
            case null, default -> PowerState.UNKNOWN;
        };
    }

    /**
     * Reads what the failover operation's fence steps did: a DONE step is a confirmed fence (the host may now be
     * recovered), a FAILED one a failed attempt (audited, alarmed once, retried after the delay with a new
     * operation). A step never begun (an earlier fence of the same operation failed) leaves its host due.
     */
    private void fenceOutcomes(InFlight done, OperationView view, Instant now) {
        done.fenceSteps().forEach((hostId, index) -> {
            if (watch.health(hostId) != HostHealth.FENCING || index >= view.steps().size()) {
                return;
            }
            OperationView.StepView step = view.steps().get(index);
            String name = wiring.store().host(hostId).map(Host::name).orElse(hostId);
            if (step.state() == StepState.DONE) {
                fenceConfirmed(hostId, name, step.finished().orElse(now), step.log(), now);
            } else if (step.state() == StepState.FAILED) {
                fenceFailed(hostId, name, step.log(), now);
            }
        });
    }

    private void fenceConfirmed(String hostId, String name, Instant confirmed, String log, Instant now) {
        HostWatch.Move move = watch.fenced(hostId, new FenceOutcome.Done(FenceAction.OFF, log), now);
        String detail = "host " + name + ": " + move.reason();
        audit("ha.fence.confirmed", hostId, detail, now);
        Optional.ofNullable(decidedAt.remove(hostId))
                .ifPresent(decided -> wiring.meters().fenced(Duration.between(decided, confirmed)));
        confirmedAt.put(hostId, confirmed);
        fenceAlarmed.remove(hostId);
        fenceFailures.remove(hostId);
        wiring.notifier().notify(new Notifier.Notice("ha.fence.confirmed", hostId, detail, now));
    }

    private void fenceFailed(String hostId, String name, String log, Instant now) {
        FenceOutcome outcome = new FenceOutcome.Failed(FenceAction.OFF, 1, log);
        HostWatch.Move move = watch.fenced(hostId, outcome, now);
        String detail = "host " + name + ": " + move.reason();
        int failures = fenceFailures.merge(hostId, 1, Integer::sum);
        if (failures == 1 || failures % FENCE_FAILURES_PER_AUDIT == 0) {
            audit("ha.fence.failed", hostId, detail + " (attempt " + failures + ")", now);
        }
        wiring.meters().fenceFailed();
        if (fenceAlarmed.add(hostId)) {
            wiring.oversight().alarms().raise("ha.fence.failed", hostId, "HA cannot fence host " + name
                    + ", so none of its VMs is restarted; retrying: " + log, now);
            wiring.notifier().notify(new Notifier.Notice("ha.fence.failed", hostId, detail, now));
        }
    }

    /**
     * Settles a finished failover, then submits the next one: the hosts judged dead and due a fence attempt are
     * fenced by its first steps, and the VMs of those and of the fenced hosts still recovering restart after them.
     */
    private void recover(Room observed, Instant now) {
        if (inFlight.isPresent()) {
            Optional<OperationView> view = wiring.operations().get(inFlight.get().operationId());
            if (view.isPresent() && !view.get().state().isFinal()) {
                return;
            }
            view.ifPresent(v -> fenceOutcomes(inFlight.get(), v, now));
            settle(inFlight.get(), view, now);
            inFlight = Optional.empty();
        }
        Set<String> due = new java.util.TreeSet<>();
        observed.hosts().stream().filter(host -> watch.fenceDue(host.id(), now)).forEach(host -> due.add(host.id()));
        if ((due.isEmpty() && watch.in(HostHealth.RECOVERING).isEmpty()) || failoverUnfinished()) {
            return;
        }
        Room room = learnWhereVmsRun(wiring.store().room());
        for (String hostId : watch.in(HostHealth.RECOVERING)) {
            int left = FailoverPlanner.victims(room, Set.of(hostId)).size();
            if (left == 0) {
                finishRecovery(hostId, now, "every protected VM of it is running elsewhere");
            } else if (wiring.hypervisor().isConnected(hostId)) {
                // powered on again by someone: the VMs no other host could take are started on it again
                finishRecovery(hostId, now, "it is back; the " + left + " protected VM(s) no other host could take"
                        + " are started on it again");
            }
        }
        Set<String> failed = new java.util.TreeSet<>(watch.in(HostHealth.RECOVERING));
        failed.addAll(due);
        if (!failed.isEmpty()) {
            plan(watch.view(room), failed, due, now);
        }
    }

    /**
     * Plans the restarts of {@code failed} and submits them behind a fence step for each host of {@code toFence}:
     * the runner runs steps in order, so no VM starts before every fence is DONE, and a failed fence fails the
     * operation before any restart.
     */
    private void plan(Room view, Set<String> failed, Set<String> toFence, Instant now) {
        AtomicReference<FailoverPlan> planned = new AtomicReference<>();
        Map<String, Integer> fenceSteps = new HashMap<>();
        // the survivors' room counts what running creates, starts and migrations have claimed
        Optional<OperationView> submitted = ledger.submit((ignored, claims) -> {
            planned.set(planner.plan(view, claims, failed,
                    FailoverPolicy.DEFAULT.withUnavailableHosts(watch.unavailable())));
            List<Step> steps = new ArrayList<>();
            for (String hostId : toFence) {
                fenceSteps.put(hostId, steps.size());
                steps.add(new Step.FenceHost(hostId));
            }
            planned.get().operation(view, vm -> DomainBuilder.specOf(vm, view))
                    .ifPresent(restarts -> steps.addAll(restarts.steps()));
            return steps.isEmpty() ? Optional.empty()
                    : Optional.of(new OperationPlan(FAILOVER_KIND, String.join(",", failed), ACTOR, steps));
        });
        FailoverPlan plan = planned.get();
        for (Unplaced vm : plan.unplaced()) {
            if (unplacedAlarmed.add(vm.vmId())) {
                audit("ha.restart.unplaced", vm.vmId(), "VM " + vm.vmName() + " of " + vm.fromHostId()
                        + " cannot restart: " + vm.reason(), now);
                wiring.oversight().alarms().raise("ha.restart.unplaced", vm.vmId(), "VM " + vm.vmName() + " of host "
                        + vm.fromHostId() + " cannot restart: " + vm.reason(), now);
            }
        }
        submitted.ifPresent(operation -> {
            inFlight = Optional.of(new InFlight(operation.id(), Map.copyOf(fenceSteps), plan.restarts()));
            for (Restart restart : plan.restarts()) {
                audit("ha.restart.planned", restart.vmId(), "restart VM " + restart.vmName() + " (priority "
                        + restart.haPriority() + ") of " + restart.fromHostId() + " on " + restart.toHostId()
                        + " in operation " + operation.id(), now);
            }
            LOG.info("failover of {} submitted as operation {}: {} fences, {} restarts, {} unplaced", failed,
                    operation.id(), toFence.size(), plan.restarts().size(), plan.unplaced().size());
        });
    }

    /** A done failover moves its VMs in the inventory; any other end leaves them for the next plan. */
    private void settle(InFlight done, Optional<OperationView> view, Instant now) {
        String outcome = view.map(v -> v.state().name()).orElse("LOST");
        wiring.meters().failover(outcome);
        audit("ha.failover." + outcome.toLowerCase(java.util.Locale.ROOT), done.operationId(),
                "failover operation " + done.operationId() + " ended " + outcome + view.flatMap(OperationView::error)
                        .map(error -> ": " + error).orElse(""), now);
        if (view.filter(v -> v.state() == dev.paddock.operation.OperationState.DONE).isEmpty()) {
            return;
        }
        List<Vm> moved = new ArrayList<>();
        for (Restart restart : done.restarts()) {
            wiring.store().vm(restart.vmId())
                    .ifPresent(vm -> moved.add(vm.withHost(restart.toHostId()).withState(VmState.RUNNING)));
        }
        wiring.store().updateObserved(moved);
    }

    private boolean failoverUnfinished() {
        return wiring.operations().list(0, 100).items().stream()
                .anyMatch(op -> op.kind().equals(FAILOVER_KIND) && !op.state().isFinal());
    }

    /**
     * Reads the domains of every healthy host and moves in the inventory the VMs found active somewhere else than
     * it says: a restart done by an operation whose end this loop did not see (a manager restarted meanwhile).
     */
    private Room learnWhereVmsRun(Room room) {
        List<Vm> moved = new ArrayList<>();
        for (Host host : room.hosts()) {
            if (watch.health(host.id()) != HostHealth.HEALTHY || !wiring.hypervisor().isConnected(host.id())) {
                continue;
            }
            for (DomainInfo domain : domainsOf(host)) {
                boolean active = domain.state() == VmState.RUNNING || domain.state() == VmState.PAUSED;
                room.vm(domain.uuid()).filter(vm -> active && !vm.hostId().equals(Optional.of(host.id())))
                        .ifPresent(vm -> moved.add(vm.withHost(host.id()).withState(domain.state())));
            }
        }
        if (moved.isEmpty()) {
            return room;
        }
        wiring.store().updateObserved(moved);
        Room learned = room;
        for (Vm vm : moved) {
            learned = learned.with(vm);
        }
        return learned;
    }

    /**
     * A fenced host back on: the definitions of VMs restarted elsewhere are removed, so nobody starts them, as one
     * {@code host.clean-stale} operation (on the host's lane: it runs before the restart in place submitted next).
     */
    private void removeStaleDefinitions(Host host, Instant now) {
        // where the VMs run, read from the hosts: the inventory may already have taken a stale domain for the VM
        Room room = learnWhereVmsRun(wiring.store().room());
        List<Step> steps = new ArrayList<>();
        Map<DomainInfo, String> stale = new java.util.LinkedHashMap<>();
        for (DomainInfo domain : domainsOf(host)) {
            boolean active = domain.state() == VmState.RUNNING || domain.state() == VmState.PAUSED;
            Optional<String> runsOn = room.vm(domain.uuid()).flatMap(Vm::hostId).filter(h -> !h.equals(host.id()));
            if (!active && runsOn.isPresent()) {
                steps.add(new Step.UndefineVm(host.id(), domain.uuid()));
                stale.put(domain, runsOn.get());
            }
        }
        if (steps.isEmpty()) {
            return;
        }
        OperationView submitted = wiring.operations().submit(new OperationPlan(CLEAN_STALE_KIND, host.id(), ACTOR,
                steps));
        stale.forEach((domain, runsOn) -> audit("ha.stale.undefined", domain.uuid(), "removes the stale definition"
                + " of VM " + domain.name() + " from host " + host.name() + " in operation " + submitted.id()
                + ": it runs on " + runsOn, now));
    }

    /**
     * A fenced host back on: its protected VMs that no other host took (they are still recorded on it, and run
     * nowhere) start on it again, as one operation.
     */
    private void restartInPlace(Host host, Instant now) {
        Room room = learnWhereVmsRun(wiring.store().room());
        List<Step> steps = new ArrayList<>();
        for (DomainInfo domain : domainsOf(host)) {
            boolean active = domain.state() == VmState.RUNNING || domain.state() == VmState.PAUSED;
            room.vm(domain.uuid())
                    .filter(vm -> !active && vm.isProtected() && vm.hostId().equals(Optional.of(host.id())))
                    .filter(vm -> room.cluster(vm.clusterId()).filter(Cluster::haEnabled).isPresent())
                    .ifPresent(vm -> steps.add(new Step.StartVm(host.id(), vm.id())));
        }
        if (steps.isEmpty()) {
            return;
        }
        // claimed like any start: the host's room is held for them until the operation ends
        OperationView submitted = ledger.submit((ignored, claims) -> Optional.of(new OperationPlan(
                RESTART_IN_PLACE_KIND, host.id(), ACTOR, steps))).orElseThrow();
        audit("ha.restart.in-place", host.id(), "host " + host.name() + " is back: " + steps.size()
                + " protected VM(s) that ran nowhere else start on it again in operation " + submitted.id(), now);
    }

    private List<DomainInfo> domainsOf(Host host) {
        try {
            return wiring.hypervisor().domains(host.id());
        } catch (HypervisorException e) {
            return List.of();
        }
    }

    private void finishRecovery(String hostId, Instant now, String why) {
        watch.recovered(hostId).ifPresent(move -> {
            String detail = "host " + hostId + " recovered: " + why;
            audit("ha.host.fenced", hostId, detail, now);
            Optional.ofNullable(confirmedAt.remove(hostId))
                    .ifPresent(confirmed -> wiring.meters().restarted(Duration.between(confirmed, now)));
            wiring.notifier().notify(new Notifier.Notice("ha.recovered", hostId, detail, now));
        });
    }

    private void audit(String action, String subjectId, String detail, Instant now) {
        LOG.info("{} {}: {}", action, subjectId, detail);
        wiring.oversight().audit().append(ACTOR, action, subjectId, detail, now);
    }

    @Override
    public synchronized void close() {
        closing = true;
        if (subscription != null) {
            subscription.close();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
