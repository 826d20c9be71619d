package dev.paddock.operation;

import static dev.paddock.operation.OperationFixtures.createPlan;
import static dev.paddock.operation.OperationFixtures.createSteps;
import static dev.paddock.operation.OperationFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.model.Resources;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Effects;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.Page;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the runner does, on the simulated room, whatever database holds its journal. */
abstract class OperationRunnerContract {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private HikariDataSource dataSource;

    /** An empty, migrated database for one test. */
    abstract HikariDataSource emptyDatabase();

    /** Called after each test with what {@link #emptyDatabase} gave. */
    abstract void release(HikariDataSource dataSource);
    private JdbcInventoryStore store;
    private RealTimeClock simClock;
    private SimulatedHypervisor sim;
    private OperationJournal journal;
    private OperationRunner runner;

    @BeforeEach
    void room() {
        dataSource = emptyDatabase();
        store = new JdbcInventoryStore(dataSource);
        journal = new JdbcOperationJournal(dataSource);
        simClock = new RealTimeClock();
        sim = SimulatedHypervisor.create(simClock, 7);
        sim.attach("h1", sim.addHost("node-1", Resources.of(16_000, 65_536, 1_000, 10_000)));
        sim.attach("h2", sim.addHost("node-2", Resources.of(16_000, 65_536, 1_000, 10_000)));
    }

    @AfterEach
    void close() {
        if (runner != null) {
            runner.close();
        }
        if (sim == null) {
            return; // the database was not there (PostgreSQL tests skipped): nothing was made
        }
        sim.close();
        simClock.close();
        release(dataSource);
    }

    private OperationRunner startRunner() {
        runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, sim, Clock.systemUTC(), 4);
        runner.start();
        return runner;
    }

    private OperationView awaitFinal(String id) {
        await().atMost(PATIENCE).until(() -> runner.get(id).orElseThrow().state().isFinal());
        return runner.get(id).orElseThrow();
    }

    private OperationView awaitStep(String id, int index, StepState state) {
        await().atMost(PATIENCE).until(() -> runner.get(id).orElseThrow().steps().get(index).state() == state);
        return runner.get(id).orElseThrow();
    }

    private static List<StepState> stepStates(OperationView view) {
        return view.steps().stream().map(OperationView.StepView::state).toList();
    }

    @Test
    void aCreatePlanRunsEveryStepOnceAndEndsDone() {
        startRunner();
        Instant before = Instant.now().minusMillis(1);

        OperationView done = awaitFinal(runner.submit(createPlan("v1", "web-1", "h1")).id());

        assertThat(done.state()).isEqualTo(OperationState.DONE);
        assertThat(stepStates(done)).containsOnly(StepState.DONE);
        assertThat(done.stepsDone()).isEqualTo(3);
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(done.owner()).isEqualTo("alice");
        assertThat(done.kind()).isEqualTo("vm.create");
        assertThat(done.target()).isEqualTo("v1");
        assertThat(done.created()).isAfter(before);
        assertThat(done.updated()).isAfterOrEqualTo(done.created());
        assertThat(done.steps()).allSatisfy(step -> {
            assertThat(step.started()).isPresent();
            assertThat(step.finished().orElseThrow()).isAfterOrEqualTo(step.started().orElseThrow());
        });
        assertThat(done.error()).isEmpty();
        assertThat(store.vm("v1")).isPresent();
        assertThat(sim.domain("h1", "v1").map(d -> d.state())).contains(VmState.RUNNING);
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
    }

    @Test
    void thePlanIsJournaledWholeBeforeAnyStepActs() {
        sim.inject(new Fault.SlowCalls(CallKind.DEFINE, Duration.ofMillis(500)));
        startRunner();

        OperationView submitted = runner.submit(createPlan("v1", "web-1", "h1"));

        assertThat(submitted.stepsTotal()).isEqualTo(3);
        assertThat(submitted.steps()).extracting(OperationView.StepView::description).containsExactly(
                "record VM web-1 in inventory", "define web-1 on h1", "start VM v1 on h1");
        OperationView defining = awaitStep(submitted.id(), 1, StepState.RUNNING);
        assertThat(stepStates(defining)).containsExactly(StepState.DONE, StepState.RUNNING, StepState.PENDING);
        assertThat(defining.state()).isEqualTo(OperationState.RUNNING);
        assertThat(sim.effects("v1")).isEqualTo(Effects.NONE);
    }

    @Test
    void aFailedStepFailsTheOperationKeepsTheErrorAndUndoesTheDoneSteps() {
        sim.inject(new Fault.FailingCalls(CallKind.START, 1));
        startRunner();

        OperationView failed = awaitFinal(runner.submit(createPlan("v1", "web-1", "h1")).id());

        assertThat(failed.state()).isEqualTo(OperationState.FAILED);
        assertThat(failed.error().orElseThrow())
                .startsWith("step 3 (start VM v1 on h1) failed: injected failure of a start call");
        assertThat(stepStates(failed))
                .containsExactly(StepState.ROLLED_BACK, StepState.ROLLED_BACK, StepState.FAILED);
        assertThat(sim.domain("h1", "v1")).isEmpty();
        assertThat(store.vm("v1")).isEmpty();
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 0, 0, 0, 1, 0));
    }

    @Test
    void cancellingStopsAfterTheCurrentStepAndRollsBack() {
        sim.inject(new Fault.SlowCalls(CallKind.DEFINE, Duration.ofMillis(500)));
        startRunner();
        String id = runner.submit(createPlan("v1", "web-1", "h1")).id();
        awaitStep(id, 1, StepState.RUNNING);

        assertThat(runner.cancel(id)).isTrue();
        OperationView cancelled = awaitFinal(id);

        assertThat(cancelled.state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(stepStates(cancelled))
                .containsExactly(StepState.ROLLED_BACK, StepState.ROLLED_BACK, StepState.SKIPPED);
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 0, 0, 0, 1, 0));
        assertThat(store.vm("v1")).isEmpty();
        assertThat(runner.cancel(id)).as("a final operation cannot be cancelled").isFalse();
    }

    @Test
    void anOperationCancelledBeforeItStartsDoesNothing() {
        sim.inject(new Fault.SlowCalls(CallKind.DEFINE, Duration.ofMillis(500)));
        startRunner();
        String first = runner.submit(createPlan("v1", "web-1", "h1")).id();
        String second = runner.submit(new OperationPlan("vm.start", "v1", "bob", List.of(new Step.StartVm("h1", "v1"))))
                .id();

        assertThat(runner.cancel(second)).isTrue();

        assertThat(awaitFinal(second).state()).isEqualTo(OperationState.CANCELLED);
        assertThat(stepStates(runner.get(second).orElseThrow())).containsExactly(StepState.SKIPPED);
        assertThat(awaitFinal(first).state()).isEqualTo(OperationState.DONE);
        assertThat(sim.effects("v1").started()).isEqualTo(1);
    }

    @Test
    void operationsOnOneTargetRunOneAfterAnother() {
        sim.inject(new Fault.SlowCalls(CallKind.DEFINE, Duration.ofMillis(300)));
        startRunner();
        String first = runner.submit(createPlan("v1", "web-1", "h1")).id();
        String second = runner.submit(new OperationPlan("vm.redefine", "v1", "bob",
                List.of(new Step.DefineVm("h1", dev.paddock.hypervisor.DomainSpec.of("v1", "web-1", 2, 512))))).id();

        OperationView one = awaitFinal(first);
        OperationView two = awaitFinal(second);

        Instant firstEnded = one.steps().getLast().finished().orElseThrow();
        Instant secondBegan = two.steps().getFirst().started().orElseThrow();
        assertThat(secondBegan).isAfterOrEqualTo(firstEnded);
    }

    @Test
    void operationsOnDifferentTargetsRunTogether() {
        sim.inject(new Fault.SlowCalls(CallKind.DEFINE, Duration.ofMillis(800)));
        startRunner();
        String first = runner.submit(createPlan("v1", "web-1", "h1")).id();
        String second = runner.submit(createPlan("v2", "web-2", "h2")).id();

        awaitStep(first, 1, StepState.RUNNING);
        awaitStep(second, 1, StepState.RUNNING);

        assertThat(awaitFinal(first).state()).isEqualTo(OperationState.DONE);
        assertThat(awaitFinal(second).state()).isEqualTo(OperationState.DONE);
    }

    @Test
    void aRestartResumesFromTheFirstStepNotDone() {
        String id = journal.create(createPlan("v1", "web-1", "h1"), Instant.now());
        journal.setState(id, OperationState.RUNNING, Optional.empty(), Instant.now());
        journal.setStep(id, 0, StepState.RUNNING, "", Instant.now());
        store.put(OperationFixtures.vm("v1", "web-1", "h1"));
        journal.setStep(id, 0, StepState.DONE, "recorded", Instant.now());

        startRunner();
        OperationView done = awaitFinal(id);

        assertThat(done.state()).isEqualTo(OperationState.DONE);
        assertThat(stepStates(done)).containsOnly(StepState.DONE);
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
    }

    @Test
    void aStepLeftRunningWhoseEffectHappenedIsFinishedWithoutActingAgain() {
        String id = journal.create(createPlan("v1", "web-1", "h1"), Instant.now());
        journal.setState(id, OperationState.RUNNING, Optional.empty(), Instant.now());
        journal.setStep(id, 0, StepState.DONE, "recorded", Instant.now());
        store.put(OperationFixtures.vm("v1", "web-1", "h1"));
        journal.setStep(id, 1, StepState.DONE, "defined", Instant.now());
        sim.define("h1", spec("v1", "web-1"));
        journal.setStep(id, 2, StepState.RUNNING, "", Instant.now());
        sim.start("h1", "v1");

        startRunner();
        OperationView done = awaitFinal(id);

        assertThat(done.state()).isEqualTo(OperationState.DONE);
        assertThat(done.steps().get(2).log()).contains("domain v1 already running on h1");
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
    }

    @Test
    void aRestartRollsBackAnOperationThatWasBeingCancelled() {
        String id = journal.create(createPlan("v1", "web-1", "h1"), Instant.now());
        journal.setState(id, OperationState.RUNNING, Optional.empty(), Instant.now());
        journal.startStep(id, 0, Optional.of(new Step.ForgetVm("v1")), Instant.now());
        store.put(OperationFixtures.vm("v1", "web-1", "h1"));
        journal.setStep(id, 0, StepState.DONE, "recorded", Instant.now());
        journal.startStep(id, 1, Optional.of(new Step.UndefineVm("h1", "v1")), Instant.now());
        sim.define("h1", spec("v1", "web-1"));
        journal.setStep(id, 1, StepState.DONE, "defined", Instant.now());
        assertThat(journal.requestCancel(id, Instant.now())).isTrue();

        startRunner();
        OperationView rolledBack = awaitFinal(id);

        assertThat(rolledBack.state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(stepStates(rolledBack))
                .containsExactly(StepState.ROLLED_BACK, StepState.ROLLED_BACK, StepState.SKIPPED);
        assertThat(sim.domain("h1", "v1")).isEmpty();
        assertThat(store.vm("v1")).isEmpty();
    }

    @Test
    void aRollbackLeavesAloneWhatWasSoBeforeTheOperation() {
        startRunner();
        awaitFinal(runner.submit(createPlan("v1", "web-1", "h1")).id());
        sim.inject(new Fault.SlowCalls(CallKind.DEFINE, Duration.ofMillis(500)));
        List<Step> steps = new java.util.ArrayList<>(List.of(new Step.StartVm("h1", "v1")));
        steps.addAll(createSteps("v2", "web-2", "h1"));
        String id = runner.submit(new OperationPlan("vm.start-and-create", "v1", "alice", steps)).id();
        awaitStep(id, 2, StepState.RUNNING);

        runner.cancel(id);
        OperationView cancelled = awaitFinal(id);

        assertThat(cancelled.state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(stepStates(cancelled)).containsExactly(
                StepState.DONE, StepState.ROLLED_BACK, StepState.ROLLED_BACK, StepState.SKIPPED);
        assertThat(sim.domain("h1", "v1").map(d -> d.state())).as("v1 was running before").contains(VmState.RUNNING);
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
        assertThat(sim.domain("h1", "v2")).isEmpty();
        assertThat(store.vm("v2")).isEmpty();
    }

    @Test
    void aFailedUpdatePutsThePreviousRecordBack() {
        startRunner();
        awaitFinal(runner.submit(createPlan("v1", "web-1", "h1")).id());
        dev.paddock.model.Vm before = store.vm("v1").orElseThrow();
        dev.paddock.model.Vm changed = before.withState(VmState.STOPPED);

        OperationView failed = awaitFinal(runner.submit(new OperationPlan("vm.update", "v1", "alice",
                List.of(new Step.RecordVm(changed), new Step.StartVm("h1", "no-such-domain")))).id());

        assertThat(failed.state()).isEqualTo(OperationState.FAILED);
        assertThat(failed.error().orElseThrow()).contains("no domain no-such-domain on host h1");
        assertThat(store.vm("v1")).contains(before);
    }

    @Test
    void closingLetsTheCurrentStepFinishAndTheNextStartDoesTheRest() throws Exception {
        sim.inject(new Fault.SlowCalls(CallKind.DEFINE, Duration.ofMillis(500)));
        startRunner();
        String id = runner.submit(createPlan("v1", "web-1", "h1")).id();
        awaitStep(id, 1, StepState.RUNNING);

        runner.close();

        OperationView left = journal.view(id).orElseThrow();
        assertThat(left.state()).isEqualTo(OperationState.RUNNING);
        assertThat(stepStates(left)).containsExactly(StepState.DONE, StepState.DONE, StepState.PENDING);
        startRunner();
        runner.awaitIdle(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(runner.get(id).orElseThrow().state()).isEqualTo(OperationState.DONE);
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
    }

    @Test
    void closingDoesNotWaitForAGuestToShutDownAndTheNextStartWaitsAgain() {
        startRunner();
        awaitFinal(runner.submit(createPlan("v1", "web-1", "h1")).id());
        String stop = runner.submit(new OperationPlan("vm.stop", "v1", "alice",
                List.of(new Step.ShutdownVm("h1", "v1", 60)))).id();
        awaitStep(stop, 0, StepState.RUNNING);

        long began = System.nanoTime();
        runner.close();

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        assertThat(stepStates(journal.view(stop).orElseThrow())).containsExactly(StepState.RUNNING);
        startRunner();
        assertThat(awaitFinal(stop).state()).isEqualTo(OperationState.DONE);
        assertThat(sim.domain("h1", "v1").map(d -> d.state())).contains(VmState.STOPPED);
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 1, 1, 0, 0, 0));
    }

    @Test
    void aCancelThatArrivesAfterTheLastStepUndoesNothing() {
        String id = journal.create(createPlan("v1", "web-1", "h1"), Instant.now());
        journal.setState(id, OperationState.RUNNING, Optional.empty(), Instant.now());
        journal.startStep(id, 0, Optional.of(new Step.ForgetVm("v1")), Instant.now());
        store.put(OperationFixtures.vm("v1", "web-1", "h1"));
        journal.setStep(id, 0, StepState.DONE, "recorded", Instant.now());
        journal.startStep(id, 1, Optional.of(new Step.UndefineVm("h1", "v1")), Instant.now());
        sim.define("h1", spec("v1", "web-1"));
        journal.setStep(id, 1, StepState.DONE, "defined", Instant.now());
        journal.startStep(id, 2, Optional.of(new Step.DestroyVm("h1", "v1")), Instant.now());
        sim.start("h1", "v1");
        journal.setStep(id, 2, StepState.DONE, "started", Instant.now());
        assertThat(journal.requestCancel(id, Instant.now())).isTrue();

        startRunner();
        OperationView done = awaitFinal(id);

        assertThat(done.state()).isEqualTo(OperationState.DONE);
        assertThat(stepStates(done)).containsOnly(StepState.DONE);
        assertThat(sim.domain("h1", "v1").map(d -> d.state())).contains(VmState.RUNNING);
        assertThat(store.vm("v1")).isPresent();
    }

    @Test
    void theRecordedStateIsTheStateComputedFromTheSteps() {
        sim.inject(new Fault.FailingCalls(CallKind.START, 1));
        startRunner();
        String failed = runner.submit(createPlan("v1", "web-1", "h1")).id();
        String done = runner.submit(createPlan("v2", "web-2", "h2")).id();
        awaitFinal(failed);
        awaitFinal(done);

        for (String id : List.of(failed, done)) {
            OperationJournal.Entry entry = journal.entry(id).orElseThrow();
            assertThat(StateFromSteps.of(OperationRun.statuses(entry), entry.cancelRequested()))
                    .isEqualTo(entry.view().state());
        }
    }

    @Test
    void theListIsNewestFirstAndPaged() {
        startRunner();
        List<String> ids = List.of(
                runner.submit(createPlan("v1", "web-1", "h1")).id(),
                runner.submit(createPlan("v2", "web-2", "h1")).id(),
                runner.submit(createPlan("v3", "web-3", "h2")).id());

        Page<OperationView> first = runner.list(0, 2);
        Page<OperationView> second = runner.list(2, 2);

        assertThat(first.total()).isEqualTo(3);
        assertThat(first.items()).extracting(OperationView::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(second.items()).extracting(OperationView::id).containsExactly(ids.get(0));
        ids.forEach(this::awaitFinal);
    }

    @Test
    void unknownOperationsAreEmptyAndCannotBeCancelled() {
        startRunner();
        assertThat(runner.get("nope")).isEmpty();
        assertThat(runner.cancel("nope")).isFalse();
    }

    @Test
    void aMigrationMovesTheVmAndItsRecord() {
        startRunner();
        awaitFinal(runner.submit(createPlan("v1", "web-1", "h1")).id());

        OperationView migrated = awaitFinal(runner.submit(new OperationPlan("vm.migrate", "v1", "drs",
                List.of(new Step.MigrateVm("v1", "h1", "h2")))).id());

        assertThat(migrated.state()).isEqualTo(OperationState.DONE);
        assertThat(sim.domain("h2", "v1").map(d -> d.state())).contains(VmState.RUNNING);
        assertThat(store.vm("v1").flatMap(vm -> vm.hostId())).contains("h2");
        assertThat(sim.effects("v1").migrated()).isEqualTo(1);
    }

    @Test
    void stepsAlreadyInEffectDoNotActAgain() {
        startRunner();
        awaitFinal(runner.submit(createPlan("v1", "web-1", "h1")).id());

        OperationView again = awaitFinal(runner.submit(new OperationPlan("vm.create", "v1", "alice",
                createSteps("v1", "web-1", "h1"))).id());

        assertThat(again.state()).isEqualTo(OperationState.DONE);
        assertThat(sim.effects("v1")).isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
    }

    /** Three starts of one second each, as one Parallel step: they overlap, and each VM starts once. */
    @Test
    void aParallelStepStartsItsVmsAtTheSameTimeEachOnce() {
        List<String> vms = List.of("p1", "p2", "p3");
        for (String vm : vms) {
            sim.addDomain("node-1", OperationFixtures.spec(vm, "web-" + vm), VmState.STOPPED);
        }
        sim.inject(new dev.paddock.sim.Fault.SlowCalls(dev.paddock.sim.CallKind.START, Duration.ofSeconds(1)));
        startRunner();

        OperationView done = awaitFinal(runner.submit(new OperationPlan("host.failover", "h9", "test", List.of(
                new Step.Parallel(vms.stream().<Step>map(vm -> new Step.StartVm("h1", vm)).toList())))).id());

        assertThat(done.state()).isEqualTo(OperationState.DONE);
        OperationView.StepView step = done.steps().getFirst();
        assertThat(Duration.between(step.started().orElseThrow(), step.finished().orElseThrow()))
                .as("three one-second starts run together").isLessThan(Duration.ofMillis(2_500));
        for (String vm : vms) {
            assertThat(step.log()).contains("started domain " + vm + " on h1");
            assertThat(sim.effects(vm).started()).as("starts of " + vm).isEqualTo(1);
        }
    }

    /**
     * One part of a Parallel step fails: the others still run, then are undone, so the failed step leaves nothing
     * behind (a failed step is not rolled back) and the operation fails.
     */
    @Test
    void aParallelStepWithAFailingPartFailsAndItsDonePartsAreRolledBack() {
        sim.addDomain("node-1", OperationFixtures.spec("p1", "web-p1"), VmState.STOPPED);
        startRunner();

        OperationView done = awaitFinal(runner.submit(new OperationPlan("host.failover", "h9", "test", List.of(
                new Step.Parallel(List.of(new Step.StartVm("h1", "p1"), new Step.StartVm("h1", "nowhere")))))).id());

        assertThat(done.state()).isEqualTo(OperationState.FAILED);
        assertThat(done.steps().getFirst().log()).contains("nowhere", "undone as a part failed: power off VM p1");
        assertThat(sim.effects("p1")).as("p1 started, then powered off as its neighbour failed")
                .extracting(dev.paddock.sim.Effects::started, dev.paddock.sim.Effects::destroyed)
                .containsExactly(1, 1);
    }

    /** Without a fence agent, a fence step fails with a sentence, and the steps after it never run. */
    @Test
    void aFenceStepWithoutAFenceAgentFailsAndNothingAfterItRuns() {
        sim.addDomain("node-1", OperationFixtures.spec("p1", "web-p1"), VmState.STOPPED);
        startRunner();

        OperationView done = awaitFinal(runner.submit(new OperationPlan("host.failover", "h2", "test", List.of(
                new Step.FenceHost("h2"), new Step.StartVm("h1", "p1")))).id());

        assertThat(done.state()).isEqualTo(OperationState.FAILED);
        assertThat(stepStates(done)).containsExactly(StepState.FAILED, StepState.SKIPPED);
        assertThat(done.error().orElseThrow()).contains("host h2 cannot be fenced: this server runs no fence agent");
        assertThat(sim.effects("p1").started()).isZero();
    }
}
