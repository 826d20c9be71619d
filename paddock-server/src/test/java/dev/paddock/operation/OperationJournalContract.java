package dev.paddock.operation;

import static dev.paddock.operation.OperationFixtures.createPlan;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.TestDatabases;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the operations journal keeps, whatever database is under it. Subclasses say which database. */
abstract class OperationJournalContract {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456Z");
    private static final Instant T1 = Instant.parse("2026-11-25T10:00:01.5Z");
    private static final Instant T2 = Instant.parse("2026-11-25T10:00:02Z");

    private OperationJournal journal;

    abstract HikariDataSource dataSource();

    @BeforeEach
    void emptyJournal() {
        TestDatabases.clear(dataSource());
        journal = new JdbcOperationJournal(dataSource());
    }

    @Test
    void aCreatedOperationIsPendingWithEveryStepAsPlanned() {
        OperationPlan plan = createPlan("v1", "web-1", "h1");
        String id = journal.create(plan, T0);

        OperationJournal.Entry entry = journal.entry(id).orElseThrow();

        assertThat(entry.steps()).isEqualTo(plan.steps());
        assertThat(entry.undos()).containsOnly(Optional.empty());
        assertThat(entry.cancelRequested()).isFalse();
        OperationView view = entry.view();
        assertThat(view.state()).isEqualTo(OperationState.PENDING);
        assertThat(view.kind()).isEqualTo("vm.create");
        assertThat(view.target()).isEqualTo("v1");
        assertThat(view.owner()).isEqualTo("alice");
        assertThat(view.created()).isEqualTo(T0);
        assertThat(view.updated()).isEqualTo(T0);
        assertThat(view.stepsTotal()).isEqualTo(3);
        assertThat(view.steps()).allSatisfy(step -> {
            assertThat(step.state()).isEqualTo(StepState.PENDING);
            assertThat(step.started()).isEmpty();
            assertThat(step.finished()).isEmpty();
            assertThat(step.log()).isEmpty();
        });
    }

    @Test
    void aStepKeepsItsUndoTimesAndLog() {
        String id = journal.create(createPlan("v1", "web-1", "h1"), T0);

        journal.startStep(id, 0, Optional.of(new Step.ForgetVm("v1")), T1);
        journal.setStep(id, 0, StepState.DONE, "recorded VM v1", T2);

        OperationJournal.Entry entry = journal.entry(id).orElseThrow();
        OperationView.StepView step = entry.view().steps().getFirst();
        assertThat(step.state()).isEqualTo(StepState.DONE);
        assertThat(step.started()).contains(T1);
        assertThat(step.finished()).contains(T2);
        assertThat(step.log()).isEqualTo("undo if rolled back: remove VM v1 from inventory\nrecorded VM v1");
        assertThat(entry.undos().getFirst()).contains(new Step.ForgetVm("v1"));
        assertThat(entry.view().stepsDone()).isEqualTo(1);
        assertThat(entry.view().updated()).isEqualTo(T2);
    }

    @Test
    void anErrorIsKeptWhenTheStateMovesOn() {
        String id = journal.create(createPlan("v1", "web-1", "h1"), T0);
        journal.setState(id, OperationState.RUNNING, Optional.of("step 1 failed: boom"), T1);
        journal.setState(id, OperationState.FAILED, Optional.empty(), T2);

        OperationView view = journal.view(id).orElseThrow();
        assertThat(view.state()).isEqualTo(OperationState.FAILED);
        assertThat(view.error()).contains("step 1 failed: boom");
    }

    @Test
    void onlyAnOperationThatIsNotFinalCanBeCancelled() {
        String running = journal.create(createPlan("v1", "web-1", "h1"), T0);
        String done = journal.create(createPlan("v2", "web-2", "h1"), T0);
        journal.setState(done, OperationState.DONE, Optional.empty(), T1);

        assertThat(journal.requestCancel(running, T1)).isTrue();
        assertThat(journal.requestCancel(done, T1)).isFalse();
        assertThat(journal.requestCancel("nope", T1)).isFalse();
        assertThat(journal.cancelRequested(running)).isTrue();
        assertThat(journal.cancelRequested(done)).isFalse();
    }

    @Test
    void theUnfinishedAreListedOldestFirstAndTheListNewestFirst() {
        String first = journal.create(createPlan("v1", "web-1", "h1"), T0);
        String second = journal.create(createPlan("v2", "web-2", "h1"), T0);
        String third = journal.create(createPlan("v3", "web-3", "h1"), T0);
        journal.setState(second, OperationState.DONE, Optional.empty(), T1);
        journal.setState(third, OperationState.RUNNING, Optional.empty(), T1);

        assertThat(journal.unfinished()).containsExactly(first, third);
        assertThat(journal.list(0, 2).items()).extracting(OperationView::id).containsExactly(third, second);
        assertThat(journal.list(2, 2).items()).extracting(OperationView::id).containsExactly(first);
        assertThat(journal.list(0, 2).total()).isEqualTo(3);
        assertThat(journal.list(5, 2).items()).isEmpty();
    }

    @Test
    void operationsAreCountedByState() {
        journal.create(createPlan("v1", "web-1", "h1"), T0);
        String done = journal.create(createPlan("v2", "web-2", "h1"), T0);
        String other = journal.create(createPlan("v3", "web-3", "h1"), T0);
        journal.setState(done, OperationState.DONE, Optional.empty(), T1);
        journal.setState(other, OperationState.DONE, Optional.empty(), T1);

        assertThat(journal.countByState()).containsOnlyKeys(OperationState.values())
                .containsEntry(OperationState.PENDING, 1L)
                .containsEntry(OperationState.DONE, 2L)
                .containsEntry(OperationState.FAILED, 0L);
    }

    @Test
    void anUnknownOperationIsEmpty() {
        assertThat(journal.entry("nope")).isEmpty();
        assertThat(journal.unfinished()).isEqualTo(List.of());
    }
}
