package dev.paddock.operation;

/** The state of one journaled step. */
public enum StepState {
    PENDING,
    RUNNING,
    DONE,
    FAILED,
    SKIPPED,
    ROLLED_BACK
}
