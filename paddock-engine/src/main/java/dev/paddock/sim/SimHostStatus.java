package dev.paddock.sim;

import dev.paddock.model.Resources;

/** A simulated host as the room sees it, whatever the manager can reach. */
public record SimHostStatus(
        String hostname, String uri, Resources capacity, boolean poweredOn, boolean isolated, int domains) {}
