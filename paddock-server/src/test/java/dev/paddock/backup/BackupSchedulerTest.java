package dev.paddock.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.Alarm;
import dev.paddock.model.Cluster;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.security.TestKeys;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.Database;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.store.JdbcBackupSchedules;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcRepositoryRecords;
import dev.paddock.store.Page;
import dev.paddock.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler on the real store, backups and alarms, with a clock the test moves and the operations a hand-written
 * journal that ends them when the test says: rounds, the stagger, skips, failures and successes recorded, retention
 * after a good backup, the overdue alarm, and a server down for a day.
 */
class BackupSchedulerTest {

    private static final Instant T0 = Instant.parse("2030-01-07T10:00:00Z");
    private static final Cluster CLUSTER = new Cluster("cluster-1", "site-1", "prod", true, 1);
    private static final Resources SMALL = Resources.of(1_000, 512, 10, 100);

    @TempDir
    Path directory;

    HikariDataSource dataSource;
    InventoryStore store;
    MovingClock clock = new MovingClock(T0);
    Journal operations = new Journal();
    JdbcAlarms alarms;
    JdbcBackupSchedules schedules;
    Backups backups;
    BackupScheduler scheduler;
    String repository;

    @BeforeEach
    void aRoomWithARepository() throws java.io.IOException {
        java.nio.file.Files.createDirectories(directory.resolve("backups"));
        dataSource = Database.open(StoreConfig.h2In(directory.resolve("db")));
        store = new JdbcInventoryStore(dataSource);
        store.put(new Site("site-1", "room-a", ""));
        store.put(CLUSTER);
        store.put(new Host("host-1", CLUSTER.id(), "h1", "sim://h1", Resources.of(8_000, 16_384, 500, 10_000),
                HostState.CONNECTED, PowerState.ON, Set.of()));
        SimulatedHypervisor hypervisor = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 1);
        backups = new Backups(new JdbcRepositoryRecords(dataSource, TestKeys.fresh().secrets()), store, hypervisor,
                clock, List.of(directory.resolve("backups")));
        repository = backups.register("main", directory.resolve("backups/main"), Optional.empty()).record().id();
        alarms = new JdbcAlarms(dataSource);
        schedules = new JdbcBackupSchedules(dataSource);
        scheduler = new BackupScheduler(new BackupScheduler.Wiring(schedules, backups, store, operations, alarms,
                clock), Duration.ofSeconds(1));
    }

    @AfterEach
    void close() {
        scheduler.close();
        dataSource.close();
    }

    @Test
    @DisplayName("a round backs the running VMs up one by one, 2 s apart, and says why a stopped VM is left alone")
    void aRoundIsStaggered() {
        List.of(vm("a", VmState.RUNNING), vm("b", VmState.RUNNING), vm("c", VmState.RUNNING), vm("d", VmState.STOPPED))
                .forEach(store::put);
        schedule("every 15m", Optional.empty());

        scheduler.tick();
        assertThat(operations.targets()).containsExactly("a");
        clock.move(Duration.ofMillis(1999));
        scheduler.tick();
        assertThat(operations.targets()).containsExactly("a");
        clock.move(Duration.ofMillis(1));
        scheduler.tick();
        assertThat(operations.targets()).containsExactly("a", "b");
        clock.move(Duration.ofSeconds(4));
        scheduler.tick();
        scheduler.tick();

        assertThat(operations.targets()).containsExactly("a", "b", "c");
        assertThat(operations.plans.values()).allSatisfy(plan -> {
            assertThat(plan.kind()).isEqualTo(Backups.BACKUP);
            assertThat(plan.owner()).isEqualTo("alice");
            assertThat(plan.steps().get(0)).isInstanceOf(Step.BeginBackup.class);
        });
        ScheduledRun stopped = run("d");
        assertThat(stopped.outcome()).isEqualTo(ScheduledRun.Outcome.SKIPPED);
        assertThat(stopped.message().orElseThrow()).contains("VM d is stopped");
        assertThat(run("a").outcome()).isEqualTo(ScheduledRun.Outcome.RUNNING);
        assertThat(run("a").operationId()).contains(operations.idOf("a"));
    }

    @Test
    @DisplayName("an operation's end is recorded: a failure with its sentence, a success with retention applied")
    void outcomesAreRecorded() {
        store.put(vm("a", VmState.RUNNING));
        store.put(vm("b", VmState.RUNNING));
        BackupRepository repo = backups.repository(repository);
        for (int day = 1; day <= 3; day++) {
            Images.write(repo, "b", Images.random(day, 4 * Images.CHUNK), T0.minus(Duration.ofDays(day)));
        }
        schedule("every 15m", Optional.of(new RetentionPolicy(2, 0, 0)));
        scheduler.tick();
        clock.move(Duration.ofSeconds(2));
        scheduler.tick();

        operations.end("a", OperationState.FAILED, "The VMs of host host-1 have no disk data to back up.");
        operations.end("b", OperationState.DONE, null);
        clock.move(Duration.ofSeconds(30));
        scheduler.tick();

        ScheduledRun failed = run("a");
        assertThat(failed.outcome()).isEqualTo(ScheduledRun.Outcome.FAILED);
        assertThat(failed.message()).contains("The VMs of host host-1 have no disk data to back up.");
        assertThat(failed.lastSuccess()).isEmpty();
        ScheduledRun good = run("b");
        assertThat(good.outcome()).isEqualTo(ScheduledRun.Outcome.SUCCEEDED);
        assertThat(good.lastSuccess()).contains(T0.plusSeconds(2));
        assertThat(good.usual()).contains(Duration.ofSeconds(5));
        assertThat(good.message().orElseThrow()).startsWith("Retention forgot 1 restore point(s)");
        assertThat(repo.points()).filteredOn(point -> point.vm().equals("b")).hasSize(2);
        assertThat(alarms.list(true, 0, 10)).isEmpty();
    }

    @Test
    @DisplayName("a VM whose backup still runs, or that another operation holds, is skipped that round and says so")
    void busyVmsAreSkipped() {
        store.put(vm("a", VmState.RUNNING));
        store.put(vm("b", VmState.RUNNING));
        schedule("every 15m", Optional.empty());
        scheduler.tick();
        clock.move(Duration.ofSeconds(2));
        scheduler.tick();
        operations.end("b", OperationState.DONE, null);
        operations.submit(new OperationPlan("vm.migrate", "b", "bob", List.of(new Step.StartVm("host-1", "b"))));

        clock.move(Duration.ofMinutes(15));
        scheduler.tick();
        clock.move(Duration.ofSeconds(2));
        scheduler.tick();

        assertThat(operations.targets()).containsExactly("a", "b");
        ScheduledRun stillRunning = run("a");
        assertThat(stillRunning.outcome()).isEqualTo(ScheduledRun.Outcome.RUNNING);
        assertThat(stillRunning.message().orElseThrow()).contains("its backup (operation " + operations.idOf("a")
                + ") still runs");
        ScheduledRun held = run("b");
        assertThat(held.outcome()).isEqualTo(ScheduledRun.Outcome.SKIPPED);
        assertThat(held.message().orElseThrow()).contains("operation op-3 (vm.migrate) still runs on VM b");

        operations.end("a", OperationState.DONE, null);
        scheduler.tick();
        assertThat(run("a").outcome()).as("the backup that ran on is still followed")
                .isEqualTo(ScheduledRun.Outcome.SUCCEEDED);
    }

    @Test
    @DisplayName("a VM without a good backup for two periods and its usual duration raises one overdue alarm")
    void overdueAlarm() {
        store.put(vm("a", VmState.RUNNING));
        schedule("every 15m", Optional.empty());
        for (int round = 0; round < 3; round++) {
            scheduler.tick();
            operations.end("a", OperationState.FAILED, "The host refused the backup.");
            scheduler.tick();
            assertThat(alarms.list(true, 0, 10)).as("round %d", round).isEmpty();
            clock.move(Duration.ofMinutes(15));
        }
        // T0 + 45 min: watched since T0, overdue after T0 + 30 min
        scheduler.tick();
        scheduler.tick();

        List<Alarm> raised = alarms.list(true, 0, 10);
        assertThat(raised).singleElement().satisfies(alarm -> {
            assertThat(alarm.kind()).isEqualTo(BackupScheduler.OVERDUE);
            assertThat(alarm.subjectId()).isEqualTo("a");
            assertThat(alarm.message()).contains("VM a has no good backup from schedule nightly")
                    .contains("The host refused the backup.");
        });
        assertThat(run("a").alarmed()).isTrue();

        operations.end("a", OperationState.DONE, null);
        scheduler.tick();
        assertThat(run("a").alarmed()).as("a good backup ends the overdue state").isFalse();
    }

    @Test
    @DisplayName("a server down for a day runs one round when it is back, not 96")
    void downForADay() {
        store.put(vm("a", VmState.RUNNING));
        schedule("every 15m", Optional.empty());
        scheduler.tick();
        operations.end("a", OperationState.DONE, null);

        clock.move(Duration.ofDays(1));
        for (int tick = 0; tick < 60; tick++) {
            scheduler.tick();
            operations.end("a", OperationState.DONE, null);
            clock.move(Duration.ofSeconds(1));
        }

        assertThat(operations.targets()).containsExactly("a", "a");
        assertThat(schedules.list().get(0).lastRound()).contains(T0.plus(Duration.ofDays(1)));
    }

    @Test
    @DisplayName("a disabled schedule starts no round, and a VM added to a covered cluster is covered at the next")
    void disabledAndNewVms() {
        store.put(vm("a", VmState.RUNNING));
        BackupSchedule schedule = schedule("every 15m", Optional.empty());
        schedules.change(schedule.id(), false, schedule.cadence());
        scheduler.tick();
        assertThat(operations.targets()).isEmpty();

        schedules.change(schedule.id(), true, schedule.cadence());
        scheduler.tick();
        operations.end("a", OperationState.DONE, null);
        store.put(vm("b", VmState.RUNNING));
        clock.move(Duration.ofMinutes(15));
        scheduler.tick();
        clock.move(Duration.ofSeconds(2));
        scheduler.tick();

        assertThat(operations.targets()).containsExactly("a", "a", "b");
    }

    @Test
    @DisplayName("run now backs every covered VM up at once, and the rounds go on as they were")
    void runNow() {
        store.put(vm("a", VmState.RUNNING));
        store.put(vm("b", VmState.RUNNING));
        BackupSchedule schedule = schedule("daily 01:30 Europe/Paris", Optional.empty());

        List<BackupScheduler.Result> results = scheduler.runNow(schedule.id(), "bob");

        assertThat(results).extracting(result -> result.run().outcome())
                .containsExactly(ScheduledRun.Outcome.RUNNING, ScheduledRun.Outcome.RUNNING);
        assertThat(operations.plans.values()).extracting(OperationPlan::owner).containsOnly("bob");
        assertThat(schedules.get(schedule.id()).orElseThrow().lastRound()).isEmpty();
        assertThat(scheduler.runNow(schedule.id(), "bob")).extracting(result -> result.run().message().orElseThrow())
                .allSatisfy(message -> assertThat(message).contains("still runs"));
        assertThat(operations.targets()).hasSize(2);
    }

    private BackupSchedule schedule(String cadence, Optional<RetentionPolicy> retention) {
        BackupSchedule schedule = new BackupSchedule("schedule-1", "nightly", repository,
                new BackupSchedule.Coverage(Set.of(), Set.of(CLUSTER.id()), Set.of()), Cadence.parse(cadence),
                retention, true, "alice", T0, Optional.empty());
        schedules.put(schedule);
        return schedule;
    }

    private ScheduledRun run(String vm) {
        return schedules.runs("schedule-1").stream().filter(run -> run.vmId().equals(vm)).findFirst().orElseThrow();
    }

    private static Vm vm(String name, VmState state) {
        return new Vm(name, name, CLUSTER.id(), Optional.of("host-1"), SMALL, state, VmOrigin.MANAGED, "", 0,
                Set.of(), Set.of(), Set.of(), List.of(new Disk("root", "ds-1", 4, name + ".qcow2", "qcow2", false,
                Optional.empty(), false)), List.of());
    }

    /** A clock the test moves by hand. */
    private static final class MovingClock extends Clock {
        private Instant now;

        MovingClock(Instant start) {
            now = start;
        }

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /**
     * A journal of operations that stay RUNNING until {@link #end}: the scheduler's view of the runner. Each took
     * 5 s when it ends.
     */
    private final class Journal implements Operations {
        final Map<String, OperationPlan> plans = new LinkedHashMap<>();
        final Map<String, OperationView> views = new LinkedHashMap<>();

        @Override
        public OperationView submit(OperationPlan plan) {
            String id = "op-" + (plans.size() + 1);
            plans.put(id, plan);
            views.put(id, view(id, plan, OperationState.RUNNING, clock.instant(), clock.instant(), null));
            return views.get(id);
        }

        /** The targets of the backups submitted, in order. */
        List<String> targets() {
            return plans.values().stream().filter(plan -> plan.kind().equals(Backups.BACKUP))
                    .map(OperationPlan::target).toList();
        }

        /** The latest backup operation of the VM. */
        String idOf(String vm) {
            List<String> ids = new ArrayList<>();
            plans.forEach((id, plan) -> {
                if (plan.target().equals(vm) && plan.kind().equals(Backups.BACKUP)) {
                    ids.add(id);
                }
            });
            return ids.get(ids.size() - 1);
        }

        /** Ends the VM's unfinished backups as {@code state}, each 5 s after it began. */
        void end(String vm, OperationState state, String error) {
            views.replaceAll((id, view) -> view.target().equals(vm) && view.kind().equals(Backups.BACKUP)
                    && !view.state().isFinal() ? view(id, plans.get(id), state, view.created(),
                    view.created().plusSeconds(5), error) : view);
        }

        private OperationView view(String id, OperationPlan plan, OperationState state, Instant created,
                Instant updated, String error) {
            return new OperationView(id, plan.kind(), plan.target(), plan.owner(), state, 0, plan.steps().size(),
                    created, updated, Optional.ofNullable(error), List.of());
        }

        @Override
        public Optional<OperationView> get(String id) {
            return Optional.ofNullable(views.get(id));
        }

        @Override
        public Page<OperationView> list(int offset, int limit) {
            throw new UnsupportedOperationException("the scheduler never pages the journal");
        }

        @Override
        public void onFinished(Consumer<String> listener) {
        }

        @Override
        public Map<String, OperationPlan> unfinishedPlans() {
            Map<String, OperationPlan> unfinished = new LinkedHashMap<>();
            views.forEach((id, view) -> {
                if (!view.state().isFinal()) {
                    unfinished.put(id, plans.get(id));
                }
            });
            return unfinished;
        }

        @Override
        public boolean cancel(String id) {
            return false;
        }
    }
}
