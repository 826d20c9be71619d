package dev.paddock.ha;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which VMs of the failed hosts restart where, in order, and which cannot.
 *
 * <p>The fence is not a step here: a failover plan is only ever run after every failed host's fence is
 * confirmed, so fencing belongs to the HA controller's health loop, not to the restart operation.
 *
 * @param failedHostIds the hosts whose VMs this plan restarts, fenced before it runs
 * @param restarts in the order they must run: higher HA priority first, dependencies before dependents
 * @param unplaced protected VMs left down, with why
 * @param survivorsFree what the surviving hosts still have free, summed, once the restarts are placed
 */
public record FailoverPlan(
        List<String> failedHostIds, List<Restart> restarts, List<Unplaced> unplaced, Resources survivorsFree) {
    public FailoverPlan {
        failedHostIds = List.copyOf(failedHostIds);
        restarts = List.copyOf(restarts);
        unplaced = List.copyOf(unplaced);
    }

    public boolean restartsEverything() {
        return unplaced.isEmpty();
    }

    /**
     * The restarts as an operation for the runner: define each VM on its new host, then start it, in plan order.
     * Empty when there is nothing to restart.
     *
     * @param specs the domain definition of a VM (the same the server defines on first placement)
     */
    public Optional<OperationPlan> operation(Room room, Function<Vm, DomainSpec> specs) {
        List<Step> steps = new ArrayList<>(restarts.size() * 2);
        for (Restart restart : restarts) {
            Vm vm = room.vm(restart.vmId()).orElseThrow(
                    () -> new IllegalArgumentException("the room has no VM " + restart.vmId()));
            steps.add(new Step.DefineVm(restart.toHostId(), specs.apply(vm)));
            steps.add(new Step.StartVm(restart.toHostId(), restart.vmId()));
        }
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OperationPlan("host.failover", String.join(",", failedHostIds), "controller:ha",
                steps));
    }
}
