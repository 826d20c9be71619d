package dev.paddock.operation;

import dev.paddock.operation.plan.Step;

import dev.paddock.operation.StateFromSteps.StepStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the runner over one journaled operation, from wherever the journal says it stands:
 * forward through the steps not yet done, then, if it was cancelled or a step failed, backward through
 * the done steps that have a compensation. Every move is journaled before the next one is made.
 */
final class OperationRun {

    private static final Logger LOG = LoggerFactory.getLogger(OperationRun.class);

    private final String id;
    private final OperationJournal journal;
    private final StepExecutor executor;
    private final Clock clock;
    private final BooleanSupplier closing;

    OperationRun(String id, OperationJournal journal, StepExecutor executor, Clock clock, BooleanSupplier closing) {
        this.id = id;
        this.journal = journal;
        this.executor = executor;
        this.clock = clock;
        this.closing = closing;
    }

    void run() {
        OperationJournal.Entry entry = journal.entry(id).orElseThrow();
        if (entry.view().state().isFinal()) {
            return;
        }
        if (!hasFailedStep(entry) && !forward(entry)) {
            return;
        }
        entry = journal.entry(id).orElseThrow();
        // A cancel that arrives after the last step has nothing left to stop: the operation is done.
        if ((entry.cancelRequested() && !allDone(entry)) || hasFailedStep(entry)) {
            if (!rollBack(entry)) {
                return;
            }
            entry = journal.entry(id).orElseThrow();
        }
        finish(entry);
    }

    /** Runs the steps not yet done; false when the runner is closing and the operation must wait. */
    private boolean forward(OperationJournal.Entry entry) {
        boolean began = entry.view().state() == OperationState.RUNNING;
        for (int i = 0; i < entry.steps().size(); i++) {
            StepState state = entry.stepState(i);
            if (state == StepState.DONE || state == StepState.SKIPPED) {
                continue;
            }
            // A step left RUNNING by a crash is the current step: finish it, even when cancelled.
            if (state != StepState.RUNNING && journal.cancelRequested(id)) {
                return true;
            }
            if (closing.getAsBoolean()) {
                return false;
            }
            if (!began) {
                journal.setState(id, OperationStateMachine.next(OperationState.PENDING, OperationEvent.START),
                        Optional.empty(), clock.instant());
                began = true;
            }
            switch (runStep(i, entry.steps().get(i), state == StepState.PENDING)) {
                case DONE -> {}
                case FAILED -> {
                    return true;
                }
                case INTERRUPTED -> {
                    return false;
                }
            }
        }
        return true;
    }

    private enum StepOutcome {
        DONE,
        FAILED,
        /** The runner is closing: the step stays RUNNING and is run again on the next start. */
        INTERRUPTED
    }

    /**
     * Runs one step. A step begun for the first time has its undo decided from the real state and journaled
     * with RUNNING; a step left RUNNING by a crash keeps the undo decided then, before its effect.
     */
    private StepOutcome runStep(int index, Step step, boolean firstTime) {
        List<String> log = new ArrayList<>();
        try {
            if (firstTime) {
                journal.startStep(id, index, executor.undoOf(step), clock.instant());
            }
            executor.execute(step, log::add);
            journal.setStep(id, index, StepState.DONE, String.join("\n", log), clock.instant());
            return StepOutcome.DONE;
        } catch (StepExecutor.Interrupted e) {
            LOG.info("operation {}: step {} left RUNNING for the next start: {}", id, index + 1, e.getMessage());
            return StepOutcome.INTERRUPTED;
        } catch (RuntimeException e) {
            String error = "step " + (index + 1) + " (" + step.describe() + ") failed: " + e.getMessage();
            log.add(error);
            journal.setStep(id, index, StepState.FAILED, String.join("\n", log), clock.instant());
            journal.setState(id, OperationState.RUNNING, Optional.of(error), clock.instant());
            LOG.warn("operation {}: {}", id, error);
            return StepOutcome.FAILED;
        }
    }

    /** Skips the steps never begun and undoes the done ones, last first; false when closing. */
    private boolean rollBack(OperationJournal.Entry entry) {
        for (int i = 0; i < entry.steps().size(); i++) {
            if (entry.stepState(i) == StepState.PENDING) {
                journal.setStep(id, i, StepState.SKIPPED, "skipped: operation stopped", clock.instant());
            }
        }
        for (int i = entry.steps().size() - 1; i >= 0; i--) {
            Optional<Step> compensation = entry.undos().get(i);
            if (entry.stepState(i) != StepState.DONE || compensation.isEmpty()) {
                continue;
            }
            if (closing.getAsBoolean()) {
                return false;
            }
            undo(i, compensation.get());
        }
        return true;
    }

    private void undo(int index, Step compensation) {
        List<String> log = new ArrayList<>();
        try {
            executor.execute(compensation, log::add);
            log.add("rolled back: " + compensation.describe());
            journal.setStep(id, index, StepState.ROLLED_BACK, String.join("\n", log), clock.instant());
        } catch (RuntimeException e) {
            String error = "rollback of step " + (index + 1) + " (" + compensation.describe() + ") failed: "
                    + e.getMessage();
            log.add(error);
            journal.setStep(id, index, StepState.FAILED, String.join("\n", log), clock.instant());
            journal.setState(id, OperationState.RUNNING, Optional.of(error), clock.instant());
            LOG.warn("operation {}: {}", id, error);
        }
    }

    private void finish(OperationJournal.Entry entry) {
        OperationState outcome = StateFromSteps.of(statuses(entry), entry.cancelRequested());
        if (!outcome.isFinal()) {
            throw new IllegalStateException("operation " + id + " ended its run in state " + outcome);
        }
        OperationState state = OperationStateMachine.next(entry.view().state(), OperationEvent.endingIn(outcome));
        journal.setState(id, state, Optional.empty(), clock.instant());
        LOG.info("operation {} {}", id, state);
    }

    static List<StepStatus> statuses(OperationJournal.Entry entry) {
        List<StepStatus> statuses = new ArrayList<>();
        for (int i = 0; i < entry.steps().size(); i++) {
            statuses.add(new StepStatus(entry.stepState(i), entry.undos().get(i).isPresent()));
        }
        return statuses;
    }

    private static boolean allDone(OperationJournal.Entry entry) {
        return entry.view().steps().stream().allMatch(s -> s.state() == StepState.DONE);
    }

    private static boolean hasFailedStep(OperationJournal.Entry entry) {
        return entry.view().steps().stream().anyMatch(s -> s.state() == StepState.FAILED);
    }
}
