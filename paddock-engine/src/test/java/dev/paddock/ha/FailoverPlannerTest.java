package dev.paddock.ha;

import static dev.paddock.ha.TestRooms.room;
import static dev.paddock.ha.TestRooms.vm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FailoverPlannerTest {

    private final FailoverPlanner planner = FailoverPlanner.standard();

    @Test
    void protectedVmsOfTheFailedHostRestartOnSurvivorsAndTheOthersStayDown() {
        Room room = room().host("h1", 16, 64).host("h2", 16, 64).host("h3", 16, 64)
                .vm("db", "h1", 2, 8, 2, "db")
                .vm("scratch", "h1", 2, 8, 0, "web")
                .vm(vm("parked", "h1", 2, 8, 3, "app", Set.of(), Set.of(), "shared").withState(VmState.STOPPED))
                .vm("other", "h2", 2, 8, 3, "web")
                .build();

        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).extracting(Restart::vmName).containsExactly("db");
        assertThat(plan.restarts().get(0).toHostId()).isEqualTo("h3");
        assertThat(plan.restartsEverything()).isTrue();
    }

    @Test
    void aVmWhoseLicenceItsSiteLacksIsNotRestartedAndTheSentenceSaysWhy() {
        Room room = room().host("h1", 16, 64).host("h2", 16, 64)
                .vm(vm("oracle-db", "h1", 2, 8, 3, "db", Set.of(), Set.of("oracle"), "shared"))
                .build().withLicensing(dev.paddock.model.Licensing.of(List.of(new dev.paddock.model.Licence("oracle",
                        dev.paddock.model.Licence.Metric.HOST_CORE, 0, Set.of("paris"), 90)), List.of(),
                        java.time.Instant.parse("2030-01-01T00:00:00Z")));

        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).isEmpty();
        assertThat(plan.unplaced()).singleElement().satisfies(vm -> assertThat(vm.reason())
                .contains("licence oracle may be used only in site paris, and the host is in site s1"));
    }

    @Test
    void aLicenceBoundToTheFailedHostMovesWithItsVmDespiteItsRelocationRule() {
        java.time.Instant now = java.time.Instant.parse("2030-01-01T00:00:00Z");
        Room room = room().host("h1", 16, 64).host("h2", 16, 64)
                .vm(vm("sql-db", "h1", 2, 8, 3, "db", Set.of(), Set.of("sql"), "shared"))
                .build().withLicensing(dev.paddock.model.Licensing.of(List.of(new dev.paddock.model.Licence("sql",
                        dev.paddock.model.Licence.Metric.HOST_CORE, 0, Set.of(), 90)), List.of(
                        new dev.paddock.model.Licensing.Binding("id-sql-db", "sql", "h1",
                                now.minus(java.time.Duration.ofDays(10)))), now));

        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).extracting(Restart::toHostId).containsExactly("h2");
    }

    @Test
    void aClusterWithHaDisabledRestartsNothing() {
        Room room = room().haDisabled().host("h1", 16, 64).host("h2", 16, 64).vm("db", "h1", 2, 8, 3, "db").build();

        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).isEmpty();
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void higherPriorityRestartsFirstThenDbBeforeAppBeforeWeb() {
        Room room = room().host("h1", 64, 256).host("h2", 64, 256)
                .vm("web-1", "h1", 1, 2, 1, "web")
                .vm("app-1", "h1", 1, 2, 1, "app")
                .vm("db-1", "h1", 1, 2, 1, "db")
                .vm("batch", "h1", 1, 2, 1, "batch")
                .vm("web-vip", "h1", 1, 2, 3, "web")
                .build();

        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).extracting(Restart::vmName)
                .containsExactly("web-vip", "db-1", "app-1", "web-1", "batch");
    }

    @Test
    void anExplicitDependencyRunsFirstWhateverItsPriority() {
        Room room = room().host("h1", 64, 256).host("h2", 64, 256)
                .vm("front", "h1", 1, 2, 3, "web")
                .vm("queue", "h1", 1, 2, 1, "batch")
                .vm("db", "h1", 1, 2, 2, "db")
                .build();
        FailoverPolicy policy = FailoverPolicy.DEFAULT.withDependencies(Map.of("id-front", Set.of("id-queue")));

        FailoverPlan plan = planner.plan(room, Set.of("h1"), policy);

        assertThat(plan.restarts()).extracting(Restart::vmName).containsExactly("db", "queue", "front");
    }

    @Test
    void aVmWhoseDependencyCannotRestartStaysDownAndSaysWhy() {
        Room room = room().host("h1", 64, 256).host("h2", 8, 16)
                .vm("db", "h1", 4, 32, 2, "db")
                .vm("app", "h1", 1, 2, 2, "app")
                .build();
        FailoverPolicy policy = FailoverPolicy.DEFAULT.withDependencies(Map.of("id-app", Set.of("id-db")));

        FailoverPlan plan = planner.plan(room, Set.of("h1"), policy);

        assertThat(plan.restarts()).isEmpty();
        assertThat(plan.unplaced()).extracting(Unplaced::vmName, Unplaced::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("db",
                        "No host of cluster 'c1' has room for VM 'db': h2: not enough memory (MiB): needs 32768, 16384 free."),
                org.assertj.core.groups.Tuple.tuple("app",
                        "needs VM db running first, and it could not be restarted"));
    }

    @Test
    void aDependencyCycleLeavesItsVmsDownRatherThanGuessingAnOrder() {
        Room room = room().host("h1", 64, 256).host("h2", 64, 256)
                .vm("a", "h1", 1, 2, 1, "app").vm("b", "h1", 1, 2, 1, "app").vm("c", "h1", 1, 2, 1, "app")
                .build();
        FailoverPolicy policy = FailoverPolicy.DEFAULT.withDependencies(
                Map.of("id-a", Set.of("id-b"), "id-b", Set.of("id-a")));

        FailoverPlan plan = planner.plan(room, Set.of("h1"), policy);

        assertThat(plan.restarts()).extracting(Restart::vmName).containsExactly("c");
        assertThat(plan.unplaced()).extracting(Unplaced::vmName).containsExactly("a", "b");
        assertThat(plan.unplaced().get(0).reason()).contains("cycle");
    }

    @Test
    void everyHostsFirstObstacleIsKeptForTheExplanation() {
        Room room = room().host("h1", 64, 256).host("h2", 4, 8).host("h3", 64, 256, "oracle")
                .datastore("local-h1", "h1")
                .vm(vm("ora", "h1", 2, 16, 2, "db", Set.of("ora"), Set.of("oracle"), "shared"))
                .vm(vm("ora-standby", "h3", 2, 16, 2, "db", Set.of("ora"), Set.of("oracle"), "shared"))
                .vm(vm("pinned", "h1", 1, 2, 1, "app", Set.of(), Set.of(), "local-h1"))
                .build();

        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).isEmpty();
        Unplaced ora = plan.unplaced().get(0);
        assertThat(ora.rejections()).containsOnlyKeys("h2", "h3");
        assertThat(ora.rejections().get("h2").describe()).isEqualTo("not enough memory (MiB): needs 16384, 8192 free");
        assertThat(ora.rejections().get("h3").describe())
                .isEqualTo("VM ora-standby of anti-affinity group ora already runs there");
        assertThat(plan.unplaced().get(1).reason()).isEqualTo("No host of cluster 'c1' has room for VM 'pinned': "
                + "h2: datastore local-h1 of disk root is not reachable from the host; "
                + "h3: datastore local-h1 of disk root is not reachable from the host.");
    }

    @Test
    void hostsInMaintenanceDisconnectedOrHeldBackByThePolicyReceiveNothing() {
        Host base = room().host("x", 64, 256).build().host("x").orElseThrow();
        Room room = room().host("h1", 64, 256)
                .host(new Host("h2", "c1", "h2", "sim://h2", base.capacity(), HostState.MAINTENANCE, base.power(),
                        Set.of()))
                .host(new Host("h3", "c1", "h3", "sim://h3", base.capacity(), HostState.DISCONNECTED, base.power(),
                        Set.of()))
                .host("h4", 64, 256)
                .host("h5", 64, 256)
                .vm("db", "h1", 1, 2, 1, "db")
                .build();

        FailoverPlan plan = planner.plan(room, Set.of("h1"),
                FailoverPolicy.DEFAULT.withUnavailableHosts(Set.of("h4")));

        assertThat(plan.restarts()).extracting(Restart::toHostId).containsExactly("h5");
        FailoverPlan none = planner.plan(room, Set.of("h1", "h5"),
                FailoverPolicy.DEFAULT.withUnavailableHosts(Set.of("h4")));
        assertThat(none.unplaced().get(0).reason()).isEqualTo(
                "No host of cluster 'c1' has room for VM 'db': the cluster has no host that may take it.");
    }

    @Test
    void restartsSpreadOverSurvivorsAndNeverOvercommitOne() {
        Room room = room().host("h1", 64, 256).host("h2", 8, 32).host("h3", 8, 32)
                .vm("a", "h1", 4, 16, 1, "app").vm("b", "h1", 4, 16, 1, "app").vm("c", "h1", 4, 16, 1, "app")
                .build();

        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        assertThat(plan.restarts()).extracting(Restart::toHostId).containsExactly("h2", "h3", "h2");
        assertThat(plan.unplaced()).isEmpty();
        assertThat(plan.survivorsFree()).isEqualTo(Resources.of(4_000, 16 * 1024, 20_000 - 30, 20_000 - 30));
    }

    @Test
    void theHostChoiceIsThePlacementEnginesScoring() {
        Room room = room().host("h1", 64, 256).host("h2", 8, 32).host("h3", 64, 256)
                .vm("a", "h1", 1, 2, 1, "app").build();
        FailoverPlanner packing = new FailoverPlanner(dev.paddock.placement.PlacementEngine.packing());

        assertThat(packing.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT).restarts())
                .extracting(Restart::toHostId).containsExactly("h2");
        assertThat(planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT).restarts())
                .extracting(Restart::toHostId).containsExactly("h3");
    }

    @Test
    void thePlanBecomesADefineThenStartPerVmInPlanOrder() {
        Room room = room().host("h1", 64, 256).host("h2", 64, 256)
                .vm("web", "h1", 1, 2, 1, "web").vm("db", "h1", 1, 2, 1, "db").build();
        FailoverPlan plan = planner.plan(room, Set.of("h1"), FailoverPolicy.DEFAULT);

        OperationPlan operation = plan.operation(room, TestRoomsSpecs::spec).orElseThrow();

        assertThat(operation.kind()).isEqualTo("host.failover");
        assertThat(operation.target()).isEqualTo("h1");
        assertThat(operation.owner()).isEqualTo("controller:ha");
        assertThat(operation.steps()).containsExactly(
                new Step.Parallel(List.of(new Step.DefineVm("h2", TestRoomsSpecs.spec(room.vm("id-db").orElseThrow())),
                        new Step.DefineVm("h2", TestRoomsSpecs.spec(room.vm("id-web").orElseThrow())))),
                new Step.Parallel(List.of(new Step.StartVm("h2", "id-db"), new Step.StartVm("h2", "id-web"))));
        assertThat(planner.plan(room, Set.of("h2"), FailoverPolicy.DEFAULT).operation(room, TestRoomsSpecs::spec))
                .isEmpty();
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /** Properties over seeded rooms: every victim accounted for once, no overcommit, no anti-affinity broken. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aPlanAccountsForEveryVictimOnceAndOvercommitsNothing(long seed) {
        Room room = TestRooms.seeded(seed, 1);
        List<Host> hosts = List.copyOf(room.hosts());
        Set<String> failed = Set.of(hosts.get((int) (seed % hosts.size())).id());

        FailoverPlan plan = planner.plan(room, failed, FailoverPolicy.DEFAULT);

        Set<String> victims = new HashSet<>();
        FailoverPlanner.victims(room, failed).forEach(vm -> victims.add(vm.id()));
        Set<String> accounted = new HashSet<>();
        plan.restarts().forEach(r -> assertThat(accounted.add(r.vmId())).as("seed %d: %s twice", seed, r).isTrue());
        plan.unplaced().forEach(u -> assertThat(accounted.add(u.vmId())).as("seed %d: %s twice", seed, u).isTrue());
        assertThat(accounted).as("seed %d", seed).isEqualTo(victims);

        Map<String, Resources> load = new HashMap<>();
        Map<String, Set<String>> groups = new HashMap<>();
        for (Host host : hosts) {
            load.put(host.id(), room.used(host.id()));
            Set<String> held = new HashSet<>();
            room.vmsOn(host.id()).forEach(vm -> held.addAll(vm.antiAffinityGroups()));
            groups.put(host.id(), held);
        }
        for (Restart restart : plan.restarts()) {
            Vm vm = room.vm(restart.vmId()).orElseThrow();
            assertThat(failed).as("seed %d", seed).doesNotContain(restart.toHostId());
            load.merge(restart.toHostId(), vm.demand(), Resources::plus);
            Set<String> held = groups.get(restart.toHostId());
            assertThat(java.util.Collections.disjoint(held, vm.antiAffinityGroups())).as("seed %d: %s", seed, restart)
                    .isTrue();
            held.addAll(vm.antiAffinityGroups());
            assertThat(room.host(restart.toHostId()).orElseThrow().licences()).containsAll(vm.licences());
        }
        for (Host host : hosts) {
            if (!failed.contains(host.id()) && plan.restarts().stream().anyMatch(r -> r.toHostId().equals(host.id()))) {
                assertThat(load.get(host.id()).fitsIn(host.capacity())).as("seed %d: %s", seed, host.id()).isTrue();
            }
        }
    }

    /** Domain definitions for the operation test, as the server would write them. */
    static final class TestRoomsSpecs {
        static DomainSpec spec(Vm vm) {
            return DomainSpec.of(vm.id(), vm.name(), 1, vm.demand().memoryMib());
        }
    }
}
