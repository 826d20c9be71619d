package dev.paddock.model;

/** What Paddock knows of a host's reachability and role. */
public enum HostState {
    /** Connected and accepting work. */
    CONNECTED,
    /** Its management connection is down; its VMs are in an unknown state. */
    DISCONNECTED,
    /** Connected, but takes no new VMs and is disarmed for HA. */
    MAINTENANCE,
    /** Powered off by a fence action; its VMs are known to be stopped. */
    FENCED
}
