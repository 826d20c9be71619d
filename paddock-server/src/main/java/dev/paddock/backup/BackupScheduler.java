package dev.paddock.backup;

import dev.paddock.api.PaddockException;
import dev.paddock.audit.Alarms;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.store.InventoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the backup schedules: at each round of an enabled schedule, a {@code vm.backup} operation for each VM it
 * covers that runs, the VMs of one round spread over a few seconds ({@link Cadence#offset}); then, as each operation
 * ends, its outcome per VM, the schedule's retention on that VM's points after a good backup, and the
 * {@value #OVERDUE} alarm for a running VM whose last good backup is older than two periods and its usual duration.
 *
 * <p>All of it is {@link #tick}, a function of the clock it is given and of the store, so tests move a clock and call
 * it; the server calls it every second on one thread, and only while it holds the leader lease. Everything it knows
 * is in the store (when a round started, which VMs it handled, which operations it follows), so a restarted server
 * carries on where the last one stopped: a round it had begun goes on with the VMs it had not reached, an operation
 * that ended meanwhile is read from the journal, and a server that was down for a day runs one round, not one per
 * period it missed.
 *
 * <p>Never two backups at once for one VM: a VM with any unfinished operation (its last backup, a migration) is
 * skipped for that round, and its run says so.
 */
public final class BackupScheduler implements AutoCloseable {

    /** The alarm for a VM whose schedule has not backed it up for too long. */
    public static final String OVERDUE = "backup.overdue";
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);

    /** The parts the scheduler works with. */
    public record Wiring(BackupSchedules schedules, Backups backups, InventoryStore store, Operations operations,
            Alarms alarms, Clock clock) {}

    /** What a run did for one VM: the operation submitted, or why there is none. */
    public record Result(Vm vm, ScheduledRun run) {}

    private final Wiring wiring;
    private final Duration period;
    private ScheduledExecutorService loop;

    /** @param period how often the loop looks, once {@link #start}ed */
    public BackupScheduler(Wiring wiring, Duration period) {
        this.wiring = wiring;
        this.period = period;
    }

    /** Where the schedules and their runs are kept. */
    public BackupSchedules schedules() {
        return wiring.schedules();
    }

    /** The backups the rounds plan with. */
    public Backups backups() {
        return wiring.backups();
    }

    public synchronized void start() {
        if (loop != null) {
            return;
        }
        loop = Executors.newSingleThreadScheduledExecutor(
                runnable -> Thread.ofPlatform().name("backup-scheduler").daemon().unstarted(runnable));
        loop.scheduleWithFixedDelay(this::guardedTick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void guardedTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            // one bad look (the database away for a moment) must not end the loop
            LOG.warn("backup schedules: {}", e.toString());
        }
    }

    /** Settles the operations that ended, starts or carries on the rounds that are due, and raises overdue alarms. */
    public synchronized void tick() {
        Instant now = wiring.clock().instant();
        settle();
        List<BackupSchedule> enabled = wiring.schedules().list().stream().filter(BackupSchedule::enabled).toList();
        if (enabled.isEmpty()) {
            return;
        }
        Collection<Vm> vms = wiring.store().room().vms();
        Busy busy = new Busy(wiring.operations());
        for (BackupSchedule schedule : enabled) {
            try {
                round(schedule, vms, busy, now);
            } catch (RuntimeException e) {
                LOG.warn("backup schedule {}: {}", schedule.name(), e.toString());
            }
        }
    }

    /** Starts the schedule's round when one is due, hands the VMs whose turn has come, then looks for overdue ones. */
    private void round(BackupSchedule schedule, Collection<Vm> vms, Busy busy, Instant now) {
        Optional<Instant> due = schedule.cadence().roundDue(schedule.lastRound(), schedule.created(), now)
                .map(start -> start.truncatedTo(ChronoUnit.MILLIS));
        if (due.isPresent()) {
            wiring.schedules().markRound(schedule.id(), due.get());
            LOG.info("backup schedule {}: round of {} begins", schedule.name(), due.get());
        }
        Optional<Instant> current = due.or(schedule::lastRound);
        Map<String, ScheduledRun> runs = runsByVm(schedule);
        List<Vm> covered = covered(schedule, vms);
        // overdue is judged on the runs as they ended, before this look starts new ones
        for (Vm vm : covered) {
            Optional.ofNullable(runs.get(vm.id())).ifPresent(run -> runs.put(vm.id(), watch(schedule, vm, run, now)));
        }
        if (current.isPresent()) {
            for (int i = 0; i < covered.size(); i++) {
                Vm vm = covered.get(i);
                Optional<ScheduledRun> before = Optional.ofNullable(runs.get(vm.id()));
                if (before.flatMap(ScheduledRun::round).equals(current)
                        || now.isBefore(current.get().plus(schedule.cadence().offset(i, covered.size())))) {
                    continue;
                }
                ScheduledRun run = handle(schedule, vm, before, current, schedule.owner(), busy, now);
                runs.put(vm.id(), run);
            }
        }
    }

    /**
     * Backs every VM the schedule covers up now, whatever its rounds, as {@code owner}: what "run now" does. The
     * scheduled rounds go on as they were.
     */
    public synchronized List<Result> runNow(String scheduleId, String owner) {
        BackupSchedule schedule = wiring.schedules().get(scheduleId)
                .orElseThrow(() -> new PaddockException.NotFound("no backup schedule " + scheduleId));
        Instant now = wiring.clock().instant();
        settle();
        Map<String, ScheduledRun> runs = runsByVm(schedule);
        Busy busy = new Busy(wiring.operations());
        List<Result> results = new ArrayList<>();
        for (Vm vm : covered(schedule, wiring.store().room().vms())) {
            Optional<ScheduledRun> before = Optional.ofNullable(runs.get(vm.id()));
            results.add(new Result(vm, handle(schedule, vm, before, before.flatMap(ScheduledRun::round), owner, busy,
                    now)));
        }
        LOG.info("backup schedule {}: run now by {}: {} VMs", schedule.name(), owner, results.size());
        return results;
    }

    /** The VMs a schedule covers now, by name: the order a round goes through them. */
    public static List<Vm> covered(BackupSchedule schedule, Collection<Vm> vms) {
        return vms.stream().filter(vm -> schedule.coverage().covers(vm))
                .sorted(Comparator.comparing(Vm::name).thenComparing(Vm::id)).toList();
    }

    private Map<String, ScheduledRun> runsByVm(BackupSchedule schedule) {
        return wiring.schedules().runs(schedule.id()).stream()
                .collect(Collectors.toMap(ScheduledRun::vmId, Function.identity(), (a, b) -> a, HashMap::new));
    }

    /** One VM's turn: skipped, refused or submitted, written down before the next VM's. */
    private ScheduledRun handle(BackupSchedule schedule, Vm vm, Optional<ScheduledRun> before,
            Optional<Instant> round, String owner, Busy busy, Instant now) {
        ScheduledRun run = before.orElseGet(() -> ScheduledRun.first(schedule.id(), vm.id(), now)).inRound(round);
        Optional<OperationView> ours = run.outcome() == ScheduledRun.Outcome.RUNNING
                ? run.operationId().flatMap(wiring.operations()::get) : Optional.empty();
        Optional<String> other = busy.on(vm.id());
        if (ours.isPresent() && !ours.get().state().isFinal()) {
            run = run.stillRunning(now, "Skipped at " + now + ": its backup (operation " + ours.get().id()
                    + ") still runs.");
        } else if (vm.state() != VmState.RUNNING) {
            run = run.skipped(now, "Skipped at " + now + ": VM " + vm.name() + " is " + vm.state().name()
                    .toLowerCase() + ", and a backup reads the disks of a running VM.", false);
        } else if (other.isPresent()) {
            run = run.skipped(now, "Skipped at " + now + ": operation " + other.get() + " still runs on VM "
                    + vm.name() + ".", true);
        } else {
            run = submit(schedule, vm, run, owner, busy, now);
        }
        wiring.schedules().putRun(run);
        return run;
    }

    private ScheduledRun submit(BackupSchedule schedule, Vm vm, ScheduledRun run, String owner, Busy busy,
            Instant now) {
        OperationPlan plan;
        try {
            plan = wiring.backups().backupPlan(vm.id(), schedule.repositoryId(), owner);
        } catch (PaddockException | HypervisorException e) {
            LOG.info("backup schedule {}: vm {} ({}) not backed up: {}", schedule.name(), vm.name(), vm.id(),
                    e.getMessage());
            return run.refused(now, e.getMessage());
        }
        OperationView operation = wiring.operations().submit(plan);
        busy.add(vm.id(), operation);
        LOG.info("backup schedule {}: vm {} ({}) backing up, operation {}", schedule.name(), vm.name(), vm.id(),
                operation.id());
        return run.submitted(now, operation.id());
    }

    /** Reads how every followed operation ended, and applies retention after each good backup. */
    private void settle() {
        Map<String, BackupSchedule> schedules = new HashMap<>();
        for (ScheduledRun run : wiring.schedules().running()) {
            Optional<OperationView> operation = run.operationId().flatMap(wiring.operations()::get);
            if (operation.isPresent() && !operation.get().state().isFinal()) {
                continue;
            }
            BackupSchedule schedule = schedules.computeIfAbsent(run.scheduleId(),
                    id -> wiring.schedules().get(id).orElse(null));
            if (schedule == null) {
                continue;
            }
            ScheduledRun settled = operation.map(op -> ended(schedule, run, op)).orElseGet(() -> run.failed(
                    "Operation " + run.operationId().orElse("?") + " is no longer in the journal."));
            wiring.schedules().putRun(settled);
        }
    }

    private ScheduledRun ended(BackupSchedule schedule, ScheduledRun run, OperationView operation) {
        if (operation.state() != OperationState.DONE) {
            LOG.info("backup schedule {}: vm {} backup {} ended {}", schedule.name(), run.vmId(), operation.id(),
                    operation.state());
            return run.failed(operation.error().orElse("Operation " + operation.id() + " ended "
                    + operation.state().name().toLowerCase().replace('_', ' ') + "."));
        }
        Duration took = Duration.between(operation.created(), operation.updated());
        return run.succeeded(took.isNegative() ? Duration.ZERO : took, retain(schedule, run.vmId()));
    }

    /** The schedule's retention on the VM's points; what it forgot, or why it could not. */
    private Optional<String> retain(BackupSchedule schedule, String vmId) {
        if (schedule.retention().isEmpty()) {
            return Optional.empty();
        }
        try {
            Retention.Decision decision = wiring.backups().repository(schedule.repositoryId())
                    .retain(vmId, schedule.retention().get(), schedule.cadence().zone());
            if (decision.forgotten().isEmpty()) {
                return Optional.empty();
            }
            LOG.info("backup schedule {}: vm {} retention forgot points {}", schedule.name(), vmId,
                    decision.forgotten());
            return Optional.of("Retention forgot " + decision.forgotten().size() + " restore point(s): "
                    + String.join(", ", decision.forgotten()) + ".");
        } catch (PaddockException | RepositoryException e) {
            LOG.warn("backup schedule {}: vm {} retention not applied: {}", schedule.name(), vmId, e.getMessage());
            return Optional.of("The backup is good, but retention was not applied: " + e.getMessage());
        }
    }

    /** Raises the overdue alarm, once, for a running VM whose last good backup is too old; the run as it is now. */
    private ScheduledRun watch(BackupSchedule schedule, Vm vm, ScheduledRun run, Instant now) {
        if (run.alarmed() || vm.state() != VmState.RUNNING || run.watchedSince().isEmpty()) {
            return run;
        }
        Instant overdue = schedule.cadence().overdueAt(run.watchedSince().get(), run.usual().orElse(Duration.ZERO));
        if (!now.isAfter(overdue)) {
            return run;
        }
        String message = "VM " + vm.name() + " has no good backup from schedule " + schedule.name() + " since "
                + run.lastSuccess().map(Instant::toString).orElse("it was first found running at "
                + run.watchedSince().get()) + " (" + schedule.cadence().text() + "); its last run "
                + run.outcome().name().toLowerCase() + run.message().map(why -> ": " + why).orElse(".");
        wiring.alarms().raise(OVERDUE, vm.id(), message, now);
        ScheduledRun alarmed = run.withAlarm();
        wiring.schedules().putRun(alarmed);
        LOG.warn("backup schedule {}: vm {} ({}) overdue since {}", schedule.name(), vm.name(), vm.id(), overdue);
        return alarmed;
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.shutdownNow();
            loop = null;
        }
    }

    /** The VMs with an unfinished operation, read from the journal once per look and kept up as it submits. */
    private static final class Busy {
        private final Operations operations;
        private Map<String, String> byTarget;

        Busy(Operations operations) {
            this.operations = operations;
        }

        Optional<String> on(String vmId) {
            if (byTarget == null) {
                byTarget = new HashMap<>();
                operations.unfinishedPlans().forEach((id, plan) -> byTarget.putIfAbsent(plan.target(), id + " ("
                        + plan.kind() + ")"));
            }
            return Optional.ofNullable(byTarget.get(vmId));
        }

        void add(String vmId, OperationView operation) {
            on(vmId);
            byTarget.put(vmId, operation.id() + " (" + operation.kind() + ")");
        }
    }
}
