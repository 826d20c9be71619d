package dev.paddock.operation;

/** What moves an operation from one state to the next; see {@link OperationStateMachine}. */
public enum OperationEvent {
    /** The runner began the first step. */
    START,
    /** Every step is done. */
    SUCCEED,
    /** A step failed; what could be rolled back was. */
    FAIL,
    /** Cancelled with nothing to undo. */
    CANCEL,
    /** Cancelled, and the done steps were undone. */
    ROLL_BACK;

    /** The event that ends an operation in {@code outcome}, a final state. */
    public static OperationEvent endingIn(OperationState outcome) {
        return switch (outcome) {
            case DONE -> SUCCEED;
            case FAILED -> FAIL;
            case CANCELLED -> CANCEL;
            case ROLLED_BACK -> ROLL_BACK;
            case PENDING, RUNNING -> throw new IllegalArgumentException(outcome + " is not a final state");
        };
    }
}
