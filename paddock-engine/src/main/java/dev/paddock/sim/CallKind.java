package dev.paddock.sim;

/** The kinds of Hypervisor call a {@link Fault} can slow down or make fail. */
public enum CallKind {
    ATTACH,
    /** facts, domains and domain: the calls that only read. */
    READ,
    DEFINE,
    START,
    SHUTDOWN,
    DESTROY,
    UNDEFINE,
    SUSPEND,
    RESUME,
    MIGRATE,
    /** Defining and undefining storage pools, creating and deleting volumes (listing them is READ). */
    STORAGE
}
