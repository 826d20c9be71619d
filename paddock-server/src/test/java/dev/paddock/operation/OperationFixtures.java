package dev.paddock.operation;

import dev.paddock.operation.plan.Step;
import dev.paddock.operation.plan.OperationPlan;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Small VMs and the plans that create them, shared by the runner tests and the crash test's child. */
public final class OperationFixtures {

    private OperationFixtures() {}

    public static Vm vm(String id, String name, String hostId) {
        return new Vm(id, name, "c1", Optional.of(hostId), Resources.of(1_000, 512, 4, 10), VmState.RUNNING,
                VmOrigin.MANAGED, "web", 1, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    public static DomainSpec spec(String id, String name) {
        return DomainSpec.of(id, name, 1, 512);
    }

    /** Record, define, start: the steps that create one VM. */
    public static List<Step> createSteps(String id, String name, String hostId) {
        return List.of(new Step.RecordVm(vm(id, name, hostId)), new Step.DefineVm(hostId, spec(id, name)),
                new Step.StartVm(hostId, id));
    }

    public static OperationPlan createPlan(String id, String name, String hostId) {
        return new OperationPlan("vm.create", id, "alice", createSteps(id, name, hostId));
    }
}
