package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.placement.consolidation.ConsolidationPlanner;
import dev.paddock.placement.consolidation.HostModel;
import dev.paddock.placement.consolidation.MigrationOperation;
import dev.paddock.placement.consolidation.ServerInventory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The API's create and a consolidation's migration define the domain the one builder gives for the VM and its room
 * (the HA restart's is shown by {@code dev.paddock.ha.control.RestartDefinitionTest} on the real HA controller).
 */
class DefinePathsTest {

    static final Watchdog WATCHDOG = new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.RESET);
    static final Network PROD = new Network("net-prod", "site-1", "prod", OptionalInt.of(120), false, Set.of());
    static final Datastore LOCAL = new Datastore("local", "site-1", "local", false, 1_000, 900, Set.of());
    static final Room ROOM = new Room(List.of(), List.of(), List.of(), List.of(), List.of(PROD), List.of(LOCAL));

    static final Vm WEB = new Vm("vm-1", "web-1", "cluster-1", Optional.empty(), Resources.of(2_000, 2_048, 20, 100),
            VmState.STOPPED, VmOrigin.MANAGED, "web", 10, Set.of(), Set.of(), Set.of(),
            List.of(new Disk("root", "local", 20)), List.of(new Nic("net-prod", "52:54:00:00:00:01")),
            Optional.of(WATCHDOG));

    private static DomainSpec defined(OperationPlan plan, String vmId) {
        return plan.steps().stream()
                .filter(step -> step instanceof Step.DefineVm define && define.spec().uuid().equals(vmId))
                .map(step -> ((Step.DefineVm) step).spec())
                .findFirst().orElseThrow();
    }

    @Test
    @DisplayName("the API's create defines the built domain: disk, tagged NIC and watchdog")
    void apiCreate() {
        DomainSpec spec = defined(VmPlans.create(WEB.withHost("host-1"), ROOM, "host-1", true, "test"), WEB.id());

        assertThat(spec).isEqualTo(DomainBuilder.specOf(WEB, ROOM));
        assertThat(spec.watchdog()).contains(WATCHDOG);
        assertThat(spec.nics()).singleElement().satisfies(nic -> assertThat(nic.vlan()).contains(120));
        assertThat(spec.disks()).singleElement().satisfies(disk -> assertThat(disk.sizeGib()).isEqualTo(20));
    }

    @Test
    @DisplayName("a consolidation's migration defines, for the VM it records, what the API's create would")
    void consolidation() {
        ConsolidationPlanner.Plan plan = ConsolidationPlanner.plan(ServerInventory.parse("""
                name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps
                web-1,8,25,32,50,200,100
                db-1,16,50,128,75,1000,500
                """), new HostModel("test", Resources.of(32_000, 131_072, 4_000, 10_000), 400, 10_000), 20,
                Duration.ofSeconds(2), System::nanoTime, 1, 1_000);
        OperationPlan migration = MigrationOperation.onHosts(plan, "cluster-1", List.of("host-1", "host-2"), "test");
        List<Vm> recorded = migration.steps().stream()
                .filter(Step.RecordVm.class::isInstance).map(step -> ((Step.RecordVm) step).vm()).toList();

        assertThat(recorded).hasSize(2);
        for (Vm vm : recorded) {
            DomainSpec fromApi = defined(VmPlans.create(vm, ROOM, vm.hostId().orElseThrow(), false, "test"),
                    vm.id());
            assertThat(defined(migration, vm.id())).as(vm.name()).isEqualTo(fromApi)
                    .isEqualTo(DomainBuilder.specOf(vm, ROOM));
            assertThat(fromApi.disks()).as(vm.name()).isNotEmpty();
        }
    }
}
