package dev.paddock.drs;

/**
 * A move that would have helped the balance but a rule refused: the report of what licences and groups cost.
 *
 * @param filter the placement filter that refused it ("licences", "anti-affinity", ...)
 * @param sentence the filter's reason
 */
public record BlockedMove(String vmId, String vmName, String fromHostId, String toHostId, String filter,
        String sentence) {}
