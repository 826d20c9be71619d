package dev.paddock.operation;

/**
 * The life of an operation. PENDING until its first step starts; RUNNING through its steps and any
 * rollback; then one of the four final states, which admit no event at all.
 *
 * <pre>
 * PENDING --START--> RUNNING --SUCCEED--> DONE
 *    |                  |----FAIL-----> FAILED
 *    |                  |----CANCEL---> CANCELLED
 *    |                  '--ROLL_BACK--> ROLLED_BACK
 *    '------CANCEL----------------------> CANCELLED
 * </pre>
 */
public final class OperationStateMachine {

    private OperationStateMachine() {}

    /** The state after {@code event}; throws {@link IllegalTransitionException} when the move is not allowed. */
    public static OperationState next(OperationState from, OperationEvent event) {
        return switch (from) {
            case PENDING -> switch (event) {
                case START -> OperationState.RUNNING;
                case CANCEL -> OperationState.CANCELLED;
                case SUCCEED, FAIL, ROLL_BACK -> throw new IllegalTransitionException(from, event);
            };
            case RUNNING -> switch (event) {
                case SUCCEED -> OperationState.DONE;
                case FAIL -> OperationState.FAILED;
                case CANCEL -> OperationState.CANCELLED;
                case ROLL_BACK -> OperationState.ROLLED_BACK;
                case START -> throw new IllegalTransitionException(from, event);
            };
            case DONE, FAILED, CANCELLED, ROLLED_BACK -> throw new IllegalTransitionException(from, event);
        };
    }
}
