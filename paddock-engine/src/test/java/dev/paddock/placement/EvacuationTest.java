package dev.paddock.placement;

import static dev.paddock.placement.Rooms.cpuMem;
import static dev.paddock.placement.Rooms.host;
import static dev.paddock.placement.Rooms.room;
import static dev.paddock.placement.Rooms.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A host of six running VMs evacuated in batches of migrations that run at once. */
class EvacuationTest {

    private static final PlacementEngine ENGINE = PlacementEngine.balancing();

    private static Room sixOnH0() {
        List<Vm> vms = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            vms.add(vm("vm" + i, cpuMem(1_000, 1_024 * i)).withHost("h0"));
        }
        return room(List.of(host("h0", cpuMem(8_000, 32_768)), host("h1", cpuMem(8_000, 16_384)),
                host("h2", cpuMem(8_000, 16_384))), vms);
    }

    @Test
    void sixVmsMigrateFourAtATimeLargestFirstAndNoneBackToTheHost() {
        Evacuation.Moves moves = (Evacuation.Moves) ENGINE.evacuate(sixOnH0(), Claims.NONE, "h0");
        OperationPlan plan = moves.operation("alice", 4).orElseThrow();

        assertThat(plan.kind()).isEqualTo("host.evacuate");
        assertThat(plan.steps()).hasSize(1);
        Step.Parallel migrations = (Step.Parallel) plan.steps().getFirst();
        assertThat(migrations.width()).isEqualTo(4);
        assertThat(migrations.describe()).startsWith("4 at a time: ");
        assertThat(((Step.MigrateVm) migrations.steps().getFirst()).vmId()).as("the largest first").isEqualTo("vm6");
        List<Step.MigrateVm> all = new ArrayList<>();
        migrations.steps().forEach(s -> all.add((Step.MigrateVm) s));
        assertThat(all).extracting(Step.MigrateVm::vmId)
                .containsExactlyInAnyOrder("vm1", "vm2", "vm3", "vm4", "vm5", "vm6");
        assertThat(all).allSatisfy(m -> {
            assertThat(m.fromHostId()).isEqualTo("h0");
            assertThat(m.toHostId()).isIn("h1", "h2");
        });
        long toH1 = all.stream().filter(m -> m.toHostId().equals("h1"))
                .mapToLong(m -> Long.parseLong(m.vmId().substring(2)) * 1_024).sum();
        long toH2 = all.stream().filter(m -> m.toHostId().equals("h2"))
                .mapToLong(m -> Long.parseLong(m.vmId().substring(2)) * 1_024).sum();
        assertThat(toH1).as("memory sent to h1").isLessThanOrEqualTo(16_384);
        assertThat(toH2).as("memory sent to h2").isLessThanOrEqualTo(16_384);
    }

    @Test
    void oneAtATimeIsOneAfterAnotherAndNothingToMoveIsNoOperation() {
        Evacuation.Moves moves = (Evacuation.Moves) ENGINE.evacuate(sixOnH0(), Claims.NONE, "h0");

        Step.Parallel oneByOne = (Step.Parallel) moves.operation("alice", 1).orElseThrow().steps().getFirst();
        assertThat(oneByOne.width()).isEqualTo(1);
        assertThat(oneByOne.steps()).hasSize(6);
        assertThat(((Evacuation.Moves) ENGINE.evacuate(sixOnH0(), Claims.NONE, "h1")).operation("alice", 4))
                .isEmpty();
        assertThatThrownBy(() -> moves.operation("alice", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
