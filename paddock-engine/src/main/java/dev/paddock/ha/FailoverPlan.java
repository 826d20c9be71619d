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
 * <p>The fence is not a step here: the HA controller puts a {@link Step.FenceHost} for every failed host before
 * these restarts in the same operation, so the runner, which runs steps in order, starts nothing before every
 * fence is confirmed.
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
     * The restarts as an operation for the runner: every VM defined on its new host at once, then every VM
     * started at once ({@link Step.Parallel}), the starts issued in plan order. The restarts do not wait for one
     * another: a start call returning never meant the guest inside was up, so waiting for it bought a dependent
     * VM nothing but the dependency's start latency. Empty when there is nothing to restart.
     *
     * @param specs the domain definition of a VM (the same the server defines on first placement)
     */
    public Optional<OperationPlan> operation(Room room, Function<Vm, DomainSpec> specs) {
        List<Step> defines = new ArrayList<>(restarts.size());
        List<Step> starts = new ArrayList<>(restarts.size());
        for (Restart restart : restarts) {
            Vm vm = room.vm(restart.vmId()).orElseThrow(
                    () -> new IllegalArgumentException("the room has no VM " + restart.vmId()));
            defines.add(new Step.DefineVm(restart.toHostId(), specs.apply(vm)));
            starts.add(new Step.StartVm(restart.toHostId(), restart.vmId()));
        }
        if (restarts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OperationPlan("host.failover", String.join(",", failedHostIds), "controller:ha",
                List.of(new Step.Parallel(defines), new Step.Parallel(starts))));
    }
}
