package dev.paddock.placement.consolidation;

import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Disk;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The migration list of a consolidation plan as an executable operation: per VM, in host order, a
 * {@link Step.RecordVm} then a {@link Step.DefineVm} on its target host. The VM is defined stopped with an empty
 * root disk of the server's size; copying the server's disk into it is a later physical-to-virtual step.
 *
 * <p>Hosts are named {@code <hostPrefix>-1} to {@code -N} (the spare, {@code -(N+1)}, gets nothing). A VM's id is a
 * name-based UUID of its name, so planning the same inventory twice gives the same operation.
 */
public final class MigrationOperation {
    static final String DATASTORE = "local";

    private MigrationOperation() {}

    public static OperationPlan of(ConsolidationPlanner.Plan plan, String clusterId, String hostPrefix,
            String owner) {
        List<String> hosts = new ArrayList<>();
        for (int h = 0; h < plan.hostLoads().size(); h++) {
            hosts.add(hostPrefix + "-" + (h + 1));
        }
        return onHosts(plan, clusterId, hosts, owner);
    }

    /**
     * The migration onto hosts that exist: the plan's host {@code i} is {@code hostIds.get(i)}.
     *
     * @throws IllegalArgumentException when there are fewer hosts than the plan fills
     */
    public static OperationPlan onHosts(ConsolidationPlanner.Plan plan, String clusterId, List<String> hostIds,
            String owner) {
        int needed = plan.hostLoads().size();
        if (hostIds.size() < needed) {
            throw new IllegalArgumentException("the plan fills " + needed + " hosts, only " + hostIds.size()
                    + " given");
        }
        List<Step> steps = new ArrayList<>();
        plan.migrations().stream()
                .sorted(Comparator.comparingInt(ConsolidationPlanner.Migration::host)
                        .thenComparing(ConsolidationPlanner.Migration::vm))
                .forEach(m -> {
                    String host = hostIds.get(m.host());
                    Vm vm = vm(m, clusterId, host, plan.servers().stream()
                            .anyMatch(s -> s.name().equals(m.server()) && s.antiAffinity()));
                    steps.add(new Step.RecordVm(vm));
                    steps.add(new Step.DefineVm(host, spec(vm)));
                });
        return new OperationPlan("consolidate", clusterId, owner, steps);
    }

    static Vm vm(ConsolidationPlanner.Migration m, String clusterId, String host, boolean antiAffinity) {
        String id = UUID.nameUUIDFromBytes(("paddock-consolidation:" + m.vm()).getBytes(StandardCharsets.UTF_8))
                .toString();
        List<Disk> disks = m.demand().diskGib() > 0 ? List.of(new Disk("root", DATASTORE, m.demand().diskGib()))
                : List.of();
        return new Vm(id, m.vm(), clusterId, Optional.of(host), m.demand(), VmState.STOPPED, VmOrigin.MANAGED,
                m.application(), 0, Set.of(), antiAffinity ? Set.of("server:" + m.server()) : Set.of(),
                Set.copyOf(m.licences()), disks, List.of());
    }

    /** A consolidated VM has no NIC yet, so no room is needed to name its networks. */
    static DomainSpec spec(Vm vm) {
        return DomainBuilder.specOf(vm, Room.EMPTY);
    }
}
