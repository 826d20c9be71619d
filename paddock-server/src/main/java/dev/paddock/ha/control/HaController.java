package dev.paddock.ha.control;

import dev.paddock.notification.Notifier;
import dev.paddock.audit.Oversight;
import dev.paddock.ha.FailoverEnd;
import dev.paddock.ha.FailoverPlan;
import dev.paddock.ha.FailoverPlanner;
import dev.paddock.ha.FailoverPolicy;
import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.ha.HaDecider;
import dev.paddock.ha.HaEffect;
import dev.paddock.ha.HaPolicy;
import dev.paddock.ha.HostHealth;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.inventory.InventoryController;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.PowerState;
import dev.paddock.model.Room;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.StepState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.store.InventoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA reconcile loop, thin around {@link HaDecider}: one thread reads every host (armed or not, in maintenance or
 * not, keepalive through the Hypervisor port, the datastore heartbeat, the fence device's status when asked), the
 * end of the failover operation it follows, and where the VMs really run; the decider decides; the loop carries
 * out the {@link HaEffect}s in order: the audit log, alarms, the notifier, the meters, and operations. A host judged
 * dead is failed over by one {@code host.failover} Operation, planned here with {@link FailoverPlanner}: a
 * {@code FenceHost} step first, then the restarts, which the runner never begins before the fence step is DONE.
 * Every effect on a host is a journaled step (fence, restarts, removal of stale definitions, restarts in place), so
 * a server killed in the middle finishes it once. Hypervisor callbacks and REST calls only wake it.
 *
 * <p>The store is not written here: the steps record where VMs run, and the inventory controller records what the
 * hosts report (VMs found running elsewhere, before each plan) and keeps a host in maintenance out of placement.
 *
 * <p>Never a VM twice: no plan is made while a failover operation is unfinished (the one it submitted, or one
 * the runner resumed after a restart), and before each plan the loop learns from the healthy hosts where the
 * victims really run, so a restart already done is not planned again.
 */
public final class HaController implements AutoCloseable {

    public static final String ACTOR = "controller:ha";
    static final String FAILOVER_KIND = "host.failover";
    static final String RESTART_IN_PLACE_KIND = "host.restart-in-place";
    static final String CLEAN_STALE_KIND = "host.clean-stale";
    private static final Logger LOG = LoggerFactory.getLogger(HaController.class);
    private static final Object WAKE = new Object();
    /**
     * How soon the loop looks again at a host whose keepalive is lost: its power controller may report it off
     * (judged dead at once) well before the period would come round.
     */
    static final Duration SUSPECT_RECHECK = Duration.ofMillis(500);

    /** What HA says of one host, for {@code paddock ha status}. */
    public record HostStatus(String hostId, String hostName, String clusterId, boolean armed, HostHealth health) {}

    /**
     * The parts the loop works with.
     *
     * @param inventory records what the hosts report, and keeps hosts in maintenance out of placement (it must be
     *     given {@code settings}' maintenance)
     */
    public record Wiring(InventoryStore store, InventoryController inventory, Operations operations,
            Hypervisor hypervisor, HaSettings settings, FenceAgent fence, Function<Host, Optional<Instant>> heartbeats,
            Oversight oversight, Notifier notifier, HaMeters meters, Clock clock) {}

    private final Wiring wiring;
    private final Duration period;
    private final FailoverPlanner planner = FailoverPlanner.standard();
    private final PlacementLedger ledger;
    private final BlockingQueue<Object> wakeups = new LinkedBlockingQueue<>();
    private final HaDecider decider;
    /** The loop's judgement of each host at the end of its last pass, for readers on other threads. */
    private volatile Map<String, HostHealth> health = Map.of();
    private volatile boolean closing;
    /** How long the loop waits before its next pass when nothing wakes it, set at the end of each pass. */
    private volatile Duration nextWait;
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
        this.decider = new HaDecider(fenceRetry);
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

    /**
     * Disarms HA for the host and takes it out of placement (the inventory controller records it in maintenance
     * before this returns); false when it was in maintenance already.
     */
    public boolean enterMaintenance(Host host, String actor) {
        Instant now = wiring.clock().instant();
        if (!wiring.settings().enterMaintenance(host.id(), now)) {
            return false;
        }
        wiring.inventory().maintenanceChanged(host.id());
        wiring.oversight().audit().append(actor, "ha.maintenance.enter", host.id(),
                "host " + host.name() + " entered maintenance: HA is disarmed for it", now);
        wake();
        return true;
    }

    /** Rearms HA for the host and lets it take VMs again; false when it was not in maintenance. */
    public boolean exitMaintenance(Host host, String actor) {
        Instant now = wiring.clock().instant();
        if (!wiring.settings().exitMaintenance(host.id())) {
            return false;
        }
        wiring.inventory().maintenanceChanged(host.id());
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

    /** One pass: read every host and let the decider judge it, then follow and submit failovers. */
    void tick(Instant now) {
        Room room = wiring.store().room();
        Set<String> maintenance = wiring.settings().hostsInMaintenance();
        Map<String, HaSettings.ClusterTuning> tunings = new HashMap<>();
        for (Host host : room.hosts()) {
            HaSettings.ClusterTuning tuning = tunings.computeIfAbsent(host.clusterId(), wiring.settings()::tuning);
            boolean armed = room.cluster(host.clusterId()).filter(Cluster::haEnabled).isPresent() && !tuning.paused();
            HaDecider.Reading reading = !armed ? new HaDecider.Disarmed()
                    : maintenance.contains(host.id()) ? new HaDecider.InMaintenance()
                    : read(host, new HaPolicy(tuning.detectionWindow()), now);
            carryOut(decider.judge(host, reading, now), now);
        }
        recover(room, now);
        Map<String, HostHealth> seen = new HashMap<>();
        room.hosts().forEach(host -> seen.put(host.id(), decider.health(host.id())));
        health = Map.copyOf(seen);
        nextWait = decider.nextPass(wiring.clock().instant(), period, SUSPECT_RECHECK);
    }

    private HaDecider.Armed read(Host host, HaPolicy policy, Instant now) {
        boolean connected = wiring.hypervisor().isConnected(host.id());
        // a heartbeat read a moment after the pass began is as fresh as the pass
        Optional<Instant> heartbeat = wiring.heartbeats().apply(host).map(beat -> beat.isAfter(now) ? now : beat);
        Optional<Instant> silent = connected ? Optional.empty() : wiring.hypervisor().silentSince(host.id());
        return new HaDecider.Armed(connected, silent, heartbeat, () -> power(host), policy);
    }

    private PowerState power(Host host) {
        return switch (wiring.settings().fenceDevice(host.id()).map(d -> wiring.fence().run(d, FenceAction.STATUS))
                .orElse(null)) {
            case FenceOutcome.Power power -> power.state();
            case null, default -> PowerState.UNKNOWN;
        };
    }

    /**
     * Hands the end of the failover it follows to the decider, then, when the decider wants a failover and none is
     * unfinished, learns where the VMs really run and lets the decider recover.
     */
    private void recover(Room observed, Instant now) {
        Optional<String> followed = decider.following();
        if (followed.isPresent()) {
            Optional<OperationView> view = wiring.operations().get(followed.get());
            if (view.isPresent() && !view.get().state().isFinal()) {
                return;
            }
            carryOut(decider.ended(view.map(HaController::end).orElse(FailoverEnd.lost(followed.get())), observed,
                    now), now);
        }
        if (!decider.failoverWanted(observed, now) || failoverUnfinished()) {
            return;
        }
        Room room = learnWhereVmsRun();
        carryOut(decider.recover(room, wiring.hypervisor()::isConnected, now), now);
    }

    private static FailoverEnd end(OperationView view) {
        List<FailoverEnd.StepEnd> steps = view.steps().stream().map(step -> new FailoverEnd.StepEnd(
                step.state() == StepState.DONE ? FailoverEnd.StepResult.DONE
                        : step.state() == StepState.FAILED ? FailoverEnd.StepResult.FAILED
                        : FailoverEnd.StepResult.NOT_ENDED, step.finished(), step.log())).toList();
        return new FailoverEnd(view.id(), view.state().name(), view.error(), steps);
    }

    private boolean failoverUnfinished() {
        return wiring.operations().list(0, 100).items().stream()
                .anyMatch(op -> op.kind().equals(FAILOVER_KIND) && !op.state().isFinal());
    }

    /** The room, with the VMs the healthy hosts report running where the inventory controller found them. */
    private Room learnWhereVmsRun() {
        Room room = wiring.store().room();
        List<Host> healthy = room.hosts().stream()
                .filter(host -> decider.health(host.id()) == HostHealth.HEALTHY
                        && wiring.hypervisor().isConnected(host.id()))
                .toList();
        return wiring.inventory().learnWhereVmsRun(room, healthy);
    }

    private void carryOut(List<HaEffect> effects, Instant now) {
        for (HaEffect effect : effects) {
            switch (effect) {
                case HaEffect.Audit audit -> {
                    LOG.info("{} {}: {}", audit.action(), audit.subjectId(), audit.detail());
                    wiring.oversight().audit().append(ACTOR, audit.action(), audit.subjectId(), audit.detail(), now);
                }
                case HaEffect.RaiseAlarm alarm ->
                        wiring.oversight().alarms().raise(alarm.kind(), alarm.subjectId(), alarm.message(), now);
                case HaEffect.Notify notice -> wiring.notifier().notify(
                        new Notifier.Notice(notice.kind(), notice.subjectId(), notice.detail(), now));
                case HaEffect.MeterDetected detected -> wiring.meters().detected(detected.took());
                case HaEffect.MeterFenced fenced -> wiring.meters().fenced(fenced.took());
                case HaEffect.MeterRestarted restarted -> wiring.meters().restarted(restarted.took());
                case HaEffect.MeterFenceFailure failure -> wiring.meters().fenceFailed();
                case HaEffect.MeterFailover failover -> wiring.meters().failover(failover.outcome());
                case HaEffect.SubmitFailover failover -> submit(failover, now);
                case HaEffect.CleanStale clean -> wiring.store().host(clean.hostId())
                        .ifPresent(host -> removeStaleDefinitions(host, now));
                case HaEffect.RestartInPlace restart -> wiring.store().host(restart.hostId())
                        .ifPresent(host -> restartInPlace(host, now));
            }
        }
    }

    /**
     * Plans the restarts of the failed hosts and submits them behind a fence step for each host to fence: the
     * runner runs steps in order, so no VM starts before every fence is DONE, and a failed fence fails the
     * operation before any restart.
     */
    private void submit(HaEffect.SubmitFailover failover, Instant now) {
        Room view = failover.view();
        AtomicReference<FailoverPlan> planned = new AtomicReference<>();
        Map<String, Integer> fenceSteps = new HashMap<>();
        // the survivors' room counts what running creates, starts and migrations have claimed
        Optional<OperationView> submitted = ledger.submit((ignored, claims) -> {
            planned.set(planner.plan(view, claims, failover.failedHostIds(),
                    FailoverPolicy.DEFAULT.withUnavailableHosts(failover.unavailable())));
            List<Step> steps = new ArrayList<>();
            for (String hostId : failover.toFence()) {
                fenceSteps.put(hostId, steps.size());
                steps.add(new Step.FenceHost(hostId));
            }
            planned.get().operation(view, vm -> DomainBuilder.specOf(vm, view))
                    .ifPresent(restarts -> steps.addAll(restarts.steps()));
            return steps.isEmpty() ? Optional.empty() : Optional.of(new OperationPlan(FAILOVER_KIND,
                    String.join(",", failover.failedHostIds()), ACTOR, steps));
        });
        FailoverPlan plan = planned.get();
        carryOut(decider.submitted(plan, submitted.map(OperationView::id), fenceSteps), now);
        submitted.ifPresent(operation -> LOG.info("failover of {} submitted as operation {}: {} fences, {} restarts,"
                + " {} unplaced", failover.failedHostIds(), operation.id(),
                failover.toFence().size(), plan.restarts().size(), plan.unplaced().size()));
    }

    /**
     * A fenced host back on: the definitions of VMs restarted elsewhere are removed, so nobody starts them, as one
     * {@code host.clean-stale} operation (on the host's lane: it runs before the restart in place submitted next).
     */
    private void removeStaleDefinitions(Host host, Instant now) {
        // where the VMs run, read from the hosts: the inventory may already have taken a stale domain for the VM
        List<HaDecider.StaleDefinition> stale = HaDecider.staleDefinitions(host.id(), domainsOf(host),
                learnWhereVmsRun());
        if (stale.isEmpty()) {
            return;
        }
        List<Step> steps = stale.stream().<Step>map(s -> new Step.UndefineVm(host.id(), s.domain().uuid())).toList();
        OperationView submitted = wiring.operations().submit(new OperationPlan(CLEAN_STALE_KIND, host.id(), ACTOR,
                steps));
        carryOut(HaDecider.staleRemoved(host, stale, submitted.id()), now);
    }

    /**
     * A fenced host back on: its protected VMs that no other host took (they are still recorded on it, and run
     * nowhere) start on it again, as one operation.
     */
    private void restartInPlace(Host host, Instant now) {
        List<String> vms = HaDecider.restartsInPlace(host.id(), domainsOf(host), learnWhereVmsRun());
        if (vms.isEmpty()) {
            return;
        }
        List<Step> steps = vms.stream().<Step>map(vm -> new Step.StartVm(host.id(), vm)).toList();
        // claimed like any start: the host's room is held for them until the operation ends
        OperationView submitted = ledger.submit((ignored, claims) -> Optional.of(new OperationPlan(
                RESTART_IN_PLACE_KIND, host.id(), ACTOR, steps))).orElseThrow();
        carryOut(List.of(HaDecider.restartedInPlace(host, steps.size(), submitted.id())), now);
    }

    private List<DomainInfo> domainsOf(Host host) {
        try {
            return wiring.hypervisor().domains(host.id());
        } catch (HypervisorException e) {
            return List.of();
        }
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
