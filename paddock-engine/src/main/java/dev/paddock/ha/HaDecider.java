package dev.paddock.ha;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.PowerState;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Every decision of the HA loop, and all it remembers of its hosts between two passes: the {@link HostWatch}
 * (health, keepalive lost, fence retry), when each fence was decided and confirmed (for the meters), how often a
 * fence failed and whether that was alarmed, which unplaced VMs were alarmed, and the failover operation it
 * follows. The loop reads the hosts, the journal and the room, hands them over as plain values, and carries out the
 * {@link HaEffect}s returned, in order; time comes in as {@code now}.
 *
 * <p>Kept apart from the loop so that what HA audits, alarms, notifies, measures and submits is decided in one pure
 * place, tested on values, while the loop is left with reading and doing. Like {@link HostWatch}, nothing here is
 * persisted: a restarted manager re-detects (one window) and re-fences before it plans anything.
 */
public final class HaDecider {

    /** A fence that keeps failing is audited at its first failure, then once every this many attempts. */
    public static final int FENCE_FAILURES_PER_AUDIT = 12;

    private final HostWatch watch;
    private final Map<String, Instant> decidedAt = new HashMap<>();
    private final Map<String, Instant> confirmedAt = new HashMap<>();
    private final Set<String> fenceAlarmed = new HashSet<>();
    private final Map<String, Integer> fenceFailures = new HashMap<>();
    private final Set<String> unplacedAlarmed = new HashSet<>();
    private Optional<Following> following = Optional.empty();
    /** A host became suspect since the loop last asked when to pass again. */
    private boolean newlySuspect;

    /** @param fenceRetry how long after a failed fence the next attempt is made */
    public HaDecider(Duration fenceRetry) {
        this.watch = new HostWatch(fenceRetry);
    }

    /** What the loop read of one host on this pass. */
    public sealed interface Reading {}

    /** HA is disabled or paused for the host's cluster. */
    public record Disarmed() implements Reading {}

    /** An operator put the host in maintenance: HA is disarmed for it. */
    public record InMaintenance() implements Reading {}

    /**
     * An armed host as the loop found it.
     *
     * @param silentSince since when a disconnected host has been silent, when the connection knows
     * @param heartbeat the host's last datastore heartbeat
     * @param power its fence device's status, asked only when the decider needs it (a fence-agent process)
     */
    public record Armed(boolean connected, Optional<Instant> silentSince, Optional<Instant> heartbeat,
            Supplier<PowerState> power, HaPolicy policy) implements Reading {}

    /**
     * A definition left on a fenced host back on, of a VM that runs on another host now.
     *
     * @param runsOn the host the VM runs on
     */
    public record StaleDefinition(DomainInfo domain, String runsOn) {}

    /** The failover operation submitted and followed, with the index of each fenced host's fence step. */
    private record Following(String operationId, Map<String, Integer> fenceSteps) {}

    /** A host never judged is healthy. */
    public HostHealth health(String hostId) {
        return watch.health(hostId);
    }

    /** The failover operation the decider waits for, if any: the loop hands its end to {@link #ended}. */
    public Optional<String> following() {
        return following.map(Following::operationId);
    }

    /**
     * How long the loop may wait before its next pass, asked at the end of a pass: at once after a host became
     * suspect (the pass that sees a keepalive lost only makes it suspect; the next asks its device, which may
     * report it off); every {@code recheck} while a host is suspect or a failover is under way (its fence outcome
     * decides the next move), and no later than the end of the first detection window to end; otherwise
     * {@code period}.
     */
    public Duration nextPass(Instant now, Duration period, Duration recheck) {
        if (newlySuspect) {
            newlySuspect = false;
            return Duration.ZERO;
        }
        boolean watchful = !watch.in(HostHealth.SUSPECT).isEmpty() || following.isPresent();
        Duration wait = watchful && recheck.compareTo(period) < 0 ? recheck : period;
        Optional<Duration> untilDecision = watch.nextDecision().map(at -> Duration.between(now, at))
                .map(left -> left.isNegative() ? Duration.ZERO : left);
        return untilDecision.filter(left -> left.compareTo(wait) < 0).orElse(wait);
    }

    /** Judges one host from what the loop read of it. */
    public List<HaEffect> judge(Host host, Reading reading, Instant now) {
        List<HaEffect> effects = new ArrayList<>();
        switch (reading) {
            case Disarmed disarmed -> disarm(host, effects);
            case InMaintenance maintenance ->
                    watch.maintenance(host.id(), true).ifPresent(move -> record(host, move, now, effects));
            case Armed armed -> {
                watch.maintenance(host.id(), false).ifPresent(move -> record(host, move, now, effects));
                // A host judged dead stays so whatever its power says, so its device is not asked again: each
                // status is a fence-agent process that would compete with the failover for the CPU, and with the
                // fence step for the BMC.
                HostHealth judged = watch.health(host.id());
                boolean dead = judged == HostHealth.FENCING || judged == HostHealth.RECOVERING
                        || judged == HostHealth.FENCED;
                watch.observe(host.id(), armed.connected(), armed.silentSince(), armed.heartbeat(),
                        dead ? () -> PowerState.UNKNOWN : armed.power(), armed.policy(), now)
                        .ifPresent(move -> record(host, move, now, effects));
            }
        }
        return effects;
    }

    private void disarm(Host host, List<HaEffect> effects) {
        HostHealth health = watch.health(host.id());
        if (health != HostHealth.HEALTHY) {
            effects.add(new HaEffect.Audit("ha.host.disarmed", host.id(), "host " + host.name() + " was " + health
                    + "; HA is disabled or paused for its cluster, so it is neither fenced nor recovered"));
        }
        watch.forget(host.id());
        fenceFailures.remove(host.id());
        fenceAlarmed.remove(host.id());
        decidedAt.remove(host.id());
        confirmedAt.remove(host.id());
    }

    private void record(Host host, HostWatch.Move move, Instant now, List<HaEffect> effects) {
        String detail = "host " + host.name() + " " + move.from() + " -> " + move.to() + ": " + move.reason();
        effects.add(new HaEffect.Audit("ha.host." + move.to().name().toLowerCase(Locale.ROOT), host.id(), detail));
        if (move.to() == HostHealth.SUSPECT) {
            newlySuspect = true;
        }
        if (move.to() == HostHealth.FENCING) {
            decidedAt.put(host.id(), now);
            move.keepaliveLostSince().ifPresent(lost -> effects.add(
                    new HaEffect.MeterDetected(Duration.between(lost, now))));
            effects.add(new HaEffect.Notify("ha.host.dead", host.id(), detail));
        } else if (move.to() == HostHealth.ISOLATED) {
            effects.add(new HaEffect.Notify("ha.host.isolated", host.id(), detail));
        } else if (move.from() == HostHealth.FENCED && move.to() == HostHealth.HEALTHY) {
            effects.add(new HaEffect.CleanStale(host.id()));
            effects.add(new HaEffect.RestartInPlace(host.id()));
        }
    }

    /**
     * The failover operation it followed ended: a DONE fence step is a confirmed fence (the host may now be
     * recovered), a FAILED one a failed attempt (audited, alarmed once, retried after the delay with a new
     * operation). A step never begun (an earlier fence of the same operation failed) leaves its host due.
     *
     * @param room where the hosts' names are read
     */
    public List<HaEffect> ended(FailoverEnd end, Room room, Instant now) {
        List<HaEffect> effects = new ArrayList<>();
        following.filter(f -> f.operationId().equals(end.operationId())).ifPresent(followed ->
                new TreeMap<>(followed.fenceSteps()).forEach((hostId, index) -> {
                    if (watch.health(hostId) != HostHealth.FENCING || index >= end.steps().size()) {
                        return;
                    }
                    FailoverEnd.StepEnd step = end.steps().get(index);
                    String name = room.host(hostId).map(Host::name).orElse(hostId);
                    switch (step.result()) {
                        case DONE -> fenceConfirmed(hostId, name, step.finished().orElse(now), step.log(), now,
                                effects);
                        case FAILED -> fenceFailed(hostId, name, step.log(), now, effects);
                        case NOT_ENDED -> { }
                    }
                }));
        effects.add(new HaEffect.MeterFailover(end.outcome()));
        effects.add(new HaEffect.Audit("ha.failover." + end.outcome().toLowerCase(Locale.ROOT), end.operationId(),
                "failover operation " + end.operationId() + " ended " + end.outcome()
                        + end.error().map(error -> ": " + error).orElse("")));
        following = Optional.empty();
        return effects;
    }

    private void fenceConfirmed(String hostId, String name, Instant confirmed, String log, Instant now,
            List<HaEffect> effects) {
        HostWatch.Move move = watch.fenced(hostId, new FenceOutcome.Done(FenceAction.OFF, log), now);
        String detail = "host " + name + ": " + move.reason();
        effects.add(new HaEffect.Audit("ha.fence.confirmed", hostId, detail));
        Optional.ofNullable(decidedAt.remove(hostId))
                .ifPresent(decided -> effects.add(new HaEffect.MeterFenced(Duration.between(decided, confirmed))));
        confirmedAt.put(hostId, confirmed);
        fenceAlarmed.remove(hostId);
        fenceFailures.remove(hostId);
        effects.add(new HaEffect.Notify("ha.fence.confirmed", hostId, detail));
    }

    private void fenceFailed(String hostId, String name, String log, Instant now, List<HaEffect> effects) {
        HostWatch.Move move = watch.fenced(hostId, new FenceOutcome.Failed(FenceAction.OFF, 1, log), now);
        String detail = "host " + name + ": " + move.reason();
        int failures = fenceFailures.merge(hostId, 1, Integer::sum);
        if (failures == 1 || failures % FENCE_FAILURES_PER_AUDIT == 0) {
            effects.add(new HaEffect.Audit("ha.fence.failed", hostId, detail + " (attempt " + failures + ")"));
        }
        effects.add(new HaEffect.MeterFenceFailure());
        if (fenceAlarmed.add(hostId)) {
            effects.add(new HaEffect.RaiseAlarm("ha.fence.failed", hostId, "HA cannot fence host " + name
                    + ", so none of its VMs is restarted; retrying: " + log));
            effects.add(new HaEffect.Notify("ha.fence.failed", hostId, detail));
        }
    }

    /**
     * True when a failover is wanted: a host of the room is due a fence attempt, or a fenced host is still
     * recovering. The loop then learns where the VMs really run and calls {@link #recover}, unless a failover
     * operation is unfinished (never a VM twice).
     */
    public boolean failoverWanted(Room room, Instant now) {
        return !due(room, now).isEmpty() || !watch.in(HostHealth.RECOVERING).isEmpty();
    }

    private Set<String> due(Room room, Instant now) {
        Set<String> due = new TreeSet<>();
        room.hosts().stream().filter(host -> watch.fenceDue(host.id(), now)).forEach(host -> due.add(host.id()));
        return due;
    }

    /**
     * Ends the recovery of fenced hosts whose protected VMs all run elsewhere (or that are back on, to take the
     * VMs nobody else could), then asks for the next failover: the hosts due a fence attempt are fenced by its
     * first steps, and the VMs of those and of the fenced hosts still recovering restart after them.
     *
     * @param room the room as the healthy hosts report it, VMs restarted by an unseen operation where they run
     * @param connected whether a host's management connection answers
     */
    public List<HaEffect> recover(Room room, Predicate<String> connected, Instant now) {
        List<HaEffect> effects = new ArrayList<>();
        Set<String> due = due(room, now);
        for (String hostId : watch.in(HostHealth.RECOVERING)) {
            int left = FailoverPlanner.victims(room, Set.of(hostId)).size();
            if (left == 0) {
                finishRecovery(hostId, now, "every protected VM of it is running elsewhere", effects);
            } else if (connected.test(hostId)) {
                // powered on again by someone: the VMs no other host could take are started on it again
                finishRecovery(hostId, now, "it is back; the " + left + " protected VM(s) no other host could take"
                        + " are started on it again", effects);
            }
        }
        Set<String> failed = new TreeSet<>(watch.in(HostHealth.RECOVERING));
        failed.addAll(due);
        if (!failed.isEmpty()) {
            effects.add(new HaEffect.SubmitFailover(watch.view(room), failed, due, watch.unavailable()));
        }
        return effects;
    }

    private void finishRecovery(String hostId, Instant now, String why, List<HaEffect> effects) {
        watch.recovered(hostId).ifPresent(move -> {
            String detail = "host " + hostId + " recovered: " + why;
            effects.add(new HaEffect.Audit("ha.host.fenced", hostId, detail));
            Optional.ofNullable(confirmedAt.remove(hostId)).ifPresent(confirmed ->
                    effects.add(new HaEffect.MeterRestarted(Duration.between(confirmed, now))));
            effects.add(new HaEffect.Notify("ha.recovered", hostId, detail));
        });
    }

    /**
     * The loop planned a {@link HaEffect.SubmitFailover} and submitted it, or had nothing to submit: each VM left
     * unplaced is audited and alarmed once (not at every pass that plans it again), and a submitted operation is
     * followed until it ends, each restart audited.
     *
     * @param operationId the submitted operation; empty when the plan had no step
     * @param fenceSteps the index of each fenced host's fence step in the operation
     */
    public List<HaEffect> submitted(FailoverPlan plan, Optional<String> operationId, Map<String, Integer> fenceSteps) {
        List<HaEffect> effects = new ArrayList<>();
        for (Unplaced vm : plan.unplaced()) {
            if (unplacedAlarmed.add(vm.vmId())) {
                effects.add(new HaEffect.Audit("ha.restart.unplaced", vm.vmId(), "VM " + vm.vmName() + " of "
                        + vm.fromHostId() + " cannot restart: " + vm.reason()));
                effects.add(new HaEffect.RaiseAlarm("ha.restart.unplaced", vm.vmId(), "VM " + vm.vmName()
                        + " of host " + vm.fromHostId() + " cannot restart: " + vm.reason()));
            }
        }
        operationId.ifPresent(id -> {
            following = Optional.of(new Following(id, Map.copyOf(fenceSteps)));
            for (Restart restart : plan.restarts()) {
                effects.add(new HaEffect.Audit("ha.restart.planned", restart.vmId(), "restart VM " + restart.vmName()
                        + " (priority " + restart.haPriority() + ") of " + restart.fromHostId() + " on "
                        + restart.toHostId() + " in operation " + id));
            }
        });
        return effects;
    }

    /**
     * The definitions a fenced host back on still holds of VMs that now run on another host: nobody must start
     * them. Active domains are left alone (a VM running there is the inventory's to record).
     *
     * @param domains what the host reports
     * @param room where the VMs run, as the healthy hosts report it
     */
    public static List<StaleDefinition> staleDefinitions(String hostId, List<DomainInfo> domains, Room room) {
        List<StaleDefinition> stale = new ArrayList<>();
        for (DomainInfo domain : domains) {
            Optional<String> runsOn = room.vm(domain.uuid()).flatMap(Vm::hostId).filter(h -> !h.equals(hostId));
            if (!active(domain) && runsOn.isPresent()) {
                stale.add(new StaleDefinition(domain, runsOn.get()));
            }
        }
        return stale;
    }

    /** The audit of stale definitions removed from {@code host} by operation {@code operationId}. */
    public static List<HaEffect> staleRemoved(Host host, List<StaleDefinition> stale, String operationId) {
        return stale.stream().<HaEffect>map(s -> new HaEffect.Audit("ha.stale.undefined", s.domain().uuid(),
                "removes the stale definition of VM " + s.domain().name() + " from host " + host.name()
                        + " in operation " + operationId + ": it runs on " + s.runsOn())).toList();
    }

    /**
     * The protected VMs of a fenced host back on that no other host took: still recorded on it, defined there and
     * not running, their cluster's HA enabled. They start on it again, in the order it reports them.
     */
    public static List<String> restartsInPlace(String hostId, List<DomainInfo> domains, Room room) {
        List<String> vms = new ArrayList<>();
        for (DomainInfo domain : domains) {
            room.vm(domain.uuid())
                    .filter(vm -> !active(domain) && vm.isProtected() && vm.hostId().equals(Optional.of(hostId)))
                    .filter(vm -> room.cluster(vm.clusterId()).filter(Cluster::haEnabled).isPresent())
                    .ifPresent(vm -> vms.add(vm.id()));
        }
        return vms;
    }

    /** The audit of {@code vms} restarted in place on {@code host} by operation {@code operationId}. */
    public static HaEffect restartedInPlace(Host host, int vms, String operationId) {
        return new HaEffect.Audit("ha.restart.in-place", host.id(), "host " + host.name() + " is back: " + vms
                + " protected VM(s) that ran nowhere else start on it again in operation " + operationId);
    }

    private static boolean active(DomainInfo domain) {
        return domain.state() == VmState.RUNNING || domain.state() == VmState.PAUSED;
    }
}
