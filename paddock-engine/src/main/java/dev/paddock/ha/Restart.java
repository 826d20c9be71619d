package dev.paddock.ha;

/** One VM of a failed host, started again on a survivor. */
public record Restart(String vmId, String vmName, String fromHostId, String toHostId, int haPriority, String tier) {}
