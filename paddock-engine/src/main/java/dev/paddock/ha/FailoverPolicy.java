package dev.paddock.ha;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a failover orders and places restarts.
 *
 * @param tierOrder tiers restarted first among VMs of equal HA priority (by default db, then app, then web);
 *     other tiers come after them
 * @param dependencies VM id to the ids of the VMs it needs running first; a dependency on a VM that is not being
 *     restarted is met already
 * @param unavailableHostIds hosts that must receive nothing although the room shows them up (suspect, isolated,
 *     in maintenance as HA sees them)
 */
public record FailoverPolicy(
        List<String> tierOrder, Map<String, Set<String>> dependencies, Set<String> unavailableHostIds) {

    public static final FailoverPolicy DEFAULT = new FailoverPolicy(List.of("db", "app", "web"), Map.of(), Set.of());

    public FailoverPolicy {
        tierOrder = List.copyOf(tierOrder);
        dependencies = Map.copyOf(Objects.requireNonNull(dependencies, "dependencies"));
        unavailableHostIds = Set.copyOf(unavailableHostIds);
    }

    public FailoverPolicy withUnavailableHosts(Set<String> hostIds) {
        return new FailoverPolicy(tierOrder, dependencies, hostIds);
    }

    public FailoverPolicy withDependencies(Map<String, Set<String>> newDependencies) {
        return new FailoverPolicy(tierOrder, newDependencies, unavailableHostIds);
    }

    /** Position of a tier in the restart order; unlisted tiers share the last place. */
    int rankOf(String tier) {
        int index = tierOrder.indexOf(tier);
        return index < 0 ? tierOrder.size() : index;
    }
}
