package dev.paddock.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.Licence;
import dev.paddock.model.Licensing;
import dev.paddock.model.Network;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Licence rules on every placement path: a create, a start and an HA restart ({@link PlacementEngine#balancing},
 * {@link PlacementEngine#failover}), a migration ({@link PlacementEngine#liveMigration}), an evacuation
 * ({@link PlacementEngine#liveMove}) and consolidation ({@link PlacementEngine#packing}). Paris has hosts p1 and p2,
 * Lyon l1; every host has 8 cores.
 */
class LicenceRulesTest {

    private static final Instant NOW = Instant.parse("2030-03-01T00:00:00Z");
    private static final Resources HOST = Resources.of(8_000, 32_768, 1_000, 10_000);

    static List<Arguments> paths() {
        return List.of(Arguments.of("create", PlacementEngine.balancing(), true),
                Arguments.of("migration", PlacementEngine.liveMigration(), true),
                Arguments.of("evacuation", PlacementEngine.liveMove(), true),
                Arguments.of("consolidation", PlacementEngine.packing(), true),
                Arguments.of("HA restart", PlacementEngine.failover(), false));
    }

    @ParameterizedTest(name = "{0}: a licence of one site is used only there, with the sentence")
    @MethodSource("paths")
    void aLicenceOfOneSiteIsUsedOnlyThere(String path, PlacementEngine engine, boolean relocationHolds) {
        Licence oracle = new Licence("oracle", Licence.Metric.VM, 0, Set.of("paris"), 0);
        Vm inLyon = new Vm("lyon-db", "lyon-db", "c-lyon", Optional.empty(), Resources.of(1_000, 2_048, 10, 10),
                VmState.RUNNING, VmOrigin.MANAGED, "app", 0, Set.of(), Set.of(), Set.of("oracle"), List.of(), List.of());
        Vm inParis = vm("db", "oracle");
        Room room = room(List.of(inLyon, inParis), Licensing.of(List.of(oracle), List.of(), NOW));

        Placement lyon = engine.place(room, Claims.NONE, inLyon, host -> true);

        assertThat(lyon).isInstanceOf(Placement.Unplaceable.class);
        assertThat(lyon.rejections().get("l1").reason()).isEqualTo("licence oracle may be used only in site paris,"
                + " and the host is in site lyon");
        assertThat(engine.place(room, Claims.NONE, inParis, host -> true)).isInstanceOfSatisfying(
                Placement.Placed.class, placed -> assertThat(placed.host().id()).startsWith("p"));
    }

    @ParameterizedTest(name = "{0}: a licence reassigned 10 days ago stays bound unless its host failed")
    @MethodSource("paths")
    void aLicenceMovedTenDaysAgoIsNotReassignedAgain(String path, PlacementEngine engine, boolean relocationHolds) {
        Licence sql = new Licence("sql", Licence.Metric.HOST_CORE, 0, Set.of(), 90);
        Vm db = vm("db", "sql").withHost("p1");
        Licensing licensing = Licensing.of(List.of(sql), List.of(new Licensing.Binding("db", "sql", "p1",
                NOW.minus(Duration.ofDays(10)))), NOW);

        Placement toP2 = engine.place(room(List.of(db), licensing), Claims.NONE, db, host -> host.id().equals("p2"));

        if (relocationHolds) {
            assertThat(toP2.rejections().get("p2").reason()).isEqualTo("licence sql of the VM was bound to host p1 on"
                    + " 2030-02-19T00:00:00Z and may be reassigned once in 90 days: not before 2030-05-20T00:00:00Z");
        } else {
            assertThat(toP2).isInstanceOf(Placement.Placed.class);
        }
        Licensing longAgo = Licensing.of(List.of(sql), List.of(new Licensing.Binding("db", "sql", "p1",
                NOW.minus(Duration.ofDays(91)))), NOW);
        assertThat(engine.place(room(List.of(db), longAgo), Claims.NONE, db, host -> host.id().equals("p2")))
                .as("bound 91 days ago").isInstanceOf(Placement.Placed.class);
    }

    @ParameterizedTest(name = "{0}: an entitlement that is all in use takes no more VMs or host cores")
    @MethodSource("paths")
    void anEntitlementAllInUseTakesNoMore(String path, PlacementEngine engine, boolean relocationHolds) {
        Vm running = vm("running", "win").withHost("p1");
        Vm another = vm("another", "win");
        Function<Licence, Room> roomWith = licence -> room(List.of(running, another),
                Licensing.of(List.of(licence), List.of(), NOW));

        Placement byVm = engine.place(roomWith.apply(new Licence("win", Licence.Metric.VM, 1, Set.of(), 0)),
                Claims.NONE, another, host -> true);
        assertThat(byVm).isInstanceOf(Placement.Unplaceable.class);
        assertThat(byVm.rejections().get("p2").reason()).isEqualTo("licence win covers 1 VMs and 1 run with it");

        Room byCores = roomWith.apply(new Licence("win", Licence.Metric.HOST_CORE, 8, Set.of(), 0));
        Placement onP1Only = engine.place(byCores, Claims.NONE, another, host -> true);
        assertThat(onP1Only).isInstanceOfSatisfying(Placement.Placed.class,
                placed -> assertThat(placed.host().id()).as("the host already licensed").isEqualTo("p1"));
        assertThat(onP1Only.rejections().get("p2").reason()).isEqualTo("licence win covers 8 host cores, 8 are in use,"
                + " and the host has 8 more");
    }

    private static Vm vm(String id, String licence) {
        return new Vm(id, id, "c-" + "any", Optional.empty(), Resources.of(1_000, 2_048, 10, 10), VmState.RUNNING,
                VmOrigin.MANAGED, "app", 0, Set.of(), Set.of(), Set.of(licence), List.of(), List.of());
    }

    private static Room room(List<Vm> vms, Licensing licensing) {
        List<Host> hosts = List.of(host("p1"), host("p2"), host("l1"));
        return new Room(List.of(new Site("paris", "Paris", ""), new Site("lyon", "Lyon", "")),
                List.of(new Cluster("c-any", "paris", "any", true, 1), new Cluster("c-lyon", "lyon", "lyon", true, 1)),
                hosts, vms, List.of(), List.of()).withLicensing(licensing);
    }

    private static Host host(String id) {
        return new Host(id, id.startsWith("l") ? "c-lyon" : "c-any", id, "sim://" + id, HOST, HostState.CONNECTED,
                PowerState.ON, Set.of());
    }
}
