package dev.paddock.operation;

/** The state of an Operation, computed from its steps' states. */
public enum OperationState {
    PENDING,
    RUNNING,
    DONE,
    FAILED,
    CANCELLED,
    ROLLED_BACK;

    public boolean isFinal() {
        return this != PENDING && this != RUNNING;
    }
}
