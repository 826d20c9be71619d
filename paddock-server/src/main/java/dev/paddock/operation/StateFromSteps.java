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
            if (rollbackPending) {
                return OperationState.RUNNING;
            }
            // the one step that failed once a cancel was asked, nothing done left standing: the cancel stopped it
            // (an aborted migration), and the operation ends as cancelled; a failed rollback stays failed
            boolean oneFailed = steps.stream().filter(s -> s.state() == StepState.FAILED).count() == 1;
            boolean nothingDone = steps.stream().noneMatch(s -> s.state() == StepState.DONE);
            if (cancelRequested && oneFailed && nothingDone) {
                return steps.stream().anyMatch(s -> s.state() == StepState.ROLLED_BACK)
                        ? OperationState.ROLLED_BACK : OperationState.CANCELLED;
            }
            return OperationState.FAILED;
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
