package dev.paddock.model;

/** How Paddock came to know a VM. */
public enum VmOrigin {
    /** Created through Paddock (or adopted): Paddock owns it. */
    MANAGED,
    /** Found on a managed host without having been created through Paddock: a rogue VM until adopted. */
    UNREGISTERED,
    /** An unregistered VM that was paused and cut from its networks. */
    QUARANTINED
}
