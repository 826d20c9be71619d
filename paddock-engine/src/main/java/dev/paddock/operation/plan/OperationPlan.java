package dev.paddock.operation.plan;

import java.util.List;

/**
 * What a planner hands to the runner: a named list of steps, on behalf of an owner, about one target.
 *
 * @param kind a machine-readable name such as "vm.create" or "host.failover"
 * @param target the id of the object the operation is about (a VM id, a host id)
 * @param owner who asked: a user name, or a controller such as "controller:ha"
 */
public record OperationPlan(String kind, String target, String owner, List<Step> steps) {
    public OperationPlan {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("an operation needs at least one step");
        }
        steps = List.copyOf(steps);
    }
}
