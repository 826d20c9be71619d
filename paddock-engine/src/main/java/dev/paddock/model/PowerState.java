package dev.paddock.model;

/** The power state of a host as told by its management controller, or UNKNOWN when none answers. */
public enum PowerState {
    ON,
    OFF,
    UNKNOWN
}
