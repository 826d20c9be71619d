package dev.paddock.model;

/** A VM's run state, as the hypervisor reports it. */
public enum VmState {
    /** Defined on a host but not running. */
    STOPPED,
    RUNNING,
    PAUSED,
    /** Stopped by a fault (QEMU crash, host crash) rather than by a request. */
    CRASHED,
    /** The host that holds it cannot be reached, so nobody knows. */
    UNKNOWN
}
