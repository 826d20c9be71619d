package dev.paddock.operation;

/** An operation was asked to move in a way its state machine forbids: a bug in the caller, never user input. */
public final class IllegalTransitionException extends IllegalStateException {
    public IllegalTransitionException(OperationState from, OperationEvent event) {
        super("an operation in state " + from + " cannot take event " + event);
    }
}
