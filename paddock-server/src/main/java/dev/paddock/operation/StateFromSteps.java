package dev.paddock.operation;

import java.util.List;

/**
 * An operation's state computed from its steps alone, so that a restarted server knows where every
 * operation stands by reading the journal. Pure.
 */
public final class StateFromSteps {

    /** A step as this computation sees it: its state, and whether it has a compensation to roll it back. */
    public record StepStatus(StepState state, boolean compensable) {
        boolean awaitsRollback() {
            return state == StepState.DONE && compensable;
        }
    }

    private StateFromSteps() {}

    public static OperationState of(List<StepStatus> steps, boolean cancelRequested) {
        if (steps.stream().anyMatch(s -> s.state() == StepState.RUNNING)) {
            return OperationState.RUNNING;
        }
        boolean rollbackPending = steps.stream().anyMatch(StepStatus::awaitsRollback);
        if (steps.stream().anyMatch(s -> s.state() == StepState.FAILED)) {
            return rollbackPending ? OperationState.RUNNING : OperationState.FAILED;
        }
        boolean allPending = steps.stream().allMatch(s -> s.state() == StepState.PENDING);
        boolean allDone = steps.stream().allMatch(s -> s.state() == StepState.DONE);
        if (allPending) {
            return OperationState.PENDING;
        }
        if (allDone) {
            return OperationState.DONE;
        }
        if (!cancelRequested) {
            return steps.stream().anyMatch(s -> s.state() == StepState.PENDING)
                    ? OperationState.RUNNING
                    : OperationState.DONE;
        }
        if (rollbackPending || steps.stream().anyMatch(s -> s.state() == StepState.PENDING)) {
            return OperationState.RUNNING;
        }
        return steps.stream().anyMatch(s -> s.state() == StepState.ROLLED_BACK)
                ? OperationState.ROLLED_BACK
                : OperationState.CANCELLED;
    }
}
