package dev.paddock.placement;

import static dev.paddock.placement.FirstPlacementTest.host;
import static dev.paddock.placement.FirstPlacementTest.room;
import static dev.paddock.placement.FirstPlacementTest.vm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.ha.AdmissionControl;
import dev.paddock.ha.FailoverPlan;
import dev.paddock.ha.FailoverPlanner;
import dev.paddock.ha.FailoverPolicy;
import dev.paddock.ha.Restart;
import dev.paddock.model.Cluster;
import dev.paddock.model.HostState;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Room claimed by unfinished operations is used room, for every path that places a VM. */
class ClaimsTest {

    private final PlacementEngine engine = PlacementEngine.balancing();

    @Test
    void decisionsOnOneSnapshotNeverTakeTheSameRoomTwiceWhenEachClaimsWhatItTook() {
        Room room = room(List.of(host("p1", cluster(), HostState.CONNECTED), host("p2", cluster(), HostState.CONNECTED)),
                List.of());
        Claims claims = Claims.NONE;
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Vm vm = vm("v" + i, null, 1_000, VmState.RUNNING);
            if (engine.place(room, claims, vm) instanceof Placement.Placed p) {
                placed.add(p.host().id());
                claims = claims.plus(List.of(new Claims.Claim("op-" + i, vm, p.host().id())));
            }
        }

        assertThat(placed).hasSize(8);
        assertThat(placed.stream().filter("p1"::equals).count()).isEqualTo(4);
    }

    @Test
    void aClaimTheRoomAlreadyShowsIsNotCountedTwice() {
        Vm running = vm("a", "p1", 3_000, VmState.RUNNING);
        Room room = room(List.of(host("p1", cluster(), HostState.CONNECTED)), List.of(running));
        Claims claims = new Claims(List.of(new Claims.Claim("op-1", running, "p1")));

        assertThat(engine.place(room, claims, vm("b", null, 1_000, VmState.RUNNING)))
                .isInstanceOf(Placement.Placed.class);
        assertThat(engine.place(room, claims, vm("c", null, 1_001, VmState.RUNNING)))
                .isInstanceOf(Placement.Unplaceable.class);
    }

    @Test
    void aPlanClaimsWhatItStartsAndWhereItMovesVms() {
        Vm created = vm("new", null, 1_000, VmState.STOPPED);
        Vm moving = vm("m", "p1", 2_000, VmState.RUNNING);
        Room room = room(List.of(host("p1", cluster(), HostState.CONNECTED)), List.of(moving));
        OperationPlan plan = new OperationPlan("k", "t", "o", List.of(new Step.RecordVm(created.withHost("p2")),
                new Step.StartVm("p2", "new"), new Step.MigrateVm("m", "p1", "p3"), new Step.ForgetVm("x")));

        assertThat(Claims.of("op-9", plan, room)).containsExactly(
                new Claims.Claim("op-9", created.withHost("p2"), "p2"), new Claims.Claim("op-9", moving, "p3"));
    }

    @Test
    void theStartsOfAParallelStepAreClaimedLikeTheOthers() {
        Vm first = vm("r1", "p1", 1_000, VmState.RUNNING);
        Vm second = vm("r2", "p1", 2_000, VmState.RUNNING);
        Room room = room(List.of(host("p1", cluster(), HostState.CONNECTED)), List.of(first, second));
        OperationPlan failover = new OperationPlan("host.failover", "p1", "o", List.of(new Step.FenceHost("p1"),
                new Step.Parallel(List.of(new Step.StartVm("p2", "r1"), new Step.StartVm("p3", "r2")))));

        assertThat(Claims.of("op-7", failover, room)).containsExactly(
                new Claims.Claim("op-7", first, "p2"), new Claims.Claim("op-7", second, "p3"));
    }

    @Test
    void aFailoverRestartsOnlyIntoRoomNotClaimedAndAdmissionCountsClaimedVmsAsRunning() {
        Vm plain = vm("db", "p1", 2_000, VmState.RUNNING);
        Vm victim = new Vm(plain.id(), plain.name(), plain.clusterId(), plain.hostId(), plain.demand(), plain.state(),
                plain.origin(), "db", 100, Set.of(), Set.of(), Set.of(), List.of(), List.of());
        Room room = room(List.of(host("p1", cluster(), HostState.CONNECTED), host("p2", cluster(), HostState.CONNECTED),
                host("p3", cluster(), HostState.CONNECTED)), List.of(victim));
        Claims claims = new Claims(List.of(new Claims.Claim("op-1", vm("x", null, 3_000, VmState.STOPPED), "p2")));

        FailoverPlan plan = FailoverPlanner.standard().plan(room, claims, Set.of("p1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).extracting(Restart::toHostId).containsExactly("p3");
        assertThat(AdmissionControl.standard().check(claims.applyTo(room), "prod").admitted()).isTrue();
        Claims more = claims.plus(List.of(new Claims.Claim("op-2", vm("y", null, 3_000, VmState.STOPPED), "p3")));
        assertThat(AdmissionControl.standard().check(more.applyTo(room), "prod").admitted()).isFalse();
    }

    private static Cluster cluster() {
        return new Cluster("prod", "s", "prod-a", true, 1);
    }
}
