package dev.paddock.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A new VM's host, as the API's create asks it of the engine: cluster, state and capacity, with one sentence. */
class FirstPlacementTest {

    private static final Site SITE = new Site("s", "s", "");
    private static final Cluster PROD = new Cluster("prod", "s", "prod-a", true, 1);
    private static final Cluster DEV = new Cluster("dev", "s", "dev", true, 1);
    private static final Resources HOST = Resources.of(4_000, 8_192, 100, 1_000);

    private final PlacementEngine engine = PlacementEngine.balancing();

    @Test
    void aHostOfTheVmsClusterWithRoomIsChosen() {
        Room room = room(List.of(host("d1", DEV, HostState.CONNECTED), host("p1", PROD, HostState.CONNECTED),
                host("p2", PROD, HostState.CONNECTED)), List.of(vm("big", "p1", 4_000, VmState.RUNNING)));

        assertThat(engine.place(room, vm("new", null, 1_000, VmState.RUNNING)))
                .isInstanceOfSatisfying(Placement.Placed.class, p -> assertThat(p.host().id()).isEqualTo("p2"));
    }

    @Test
    void aStoppedVmHoldsNoCapacity() {
        Room room = room(List.of(host("p1", PROD, HostState.CONNECTED)), List.of(vm("off", "p1", 4_000, VmState.STOPPED)));

        assertThat(engine.place(room, vm("new", null, 4_000, VmState.RUNNING))).isInstanceOf(Placement.Placed.class);
    }

    @Test
    void everyHostPassedOverSaysWhyInOneSentence() {
        Room room = room(List.of(host("p1", PROD, HostState.MAINTENANCE), host("p2", PROD, HostState.CONNECTED)),
                List.of(vm("big", "p2", 3_500, VmState.RUNNING)));
        Vm vm = vm("new", null, 1_000, VmState.RUNNING);

        assertThat(engine.place(room, vm)).isInstanceOfSatisfying(Placement.Unplaceable.class,
                none -> assertThat(none.explain(room, vm)).isEqualTo("No host of cluster 'prod-a' has room for VM"
                        + " 'new': p1: host is maintenance and powered on; p2: not enough cpu (millicores): needs"
                        + " 1000, 500 free."));
    }

    @Test
    void aClusterWithoutHostsSaysSo() {
        Room room = room(List.of(), List.of());
        Vm vm = vm("new", null, 1_000, VmState.RUNNING);

        assertThat(engine.place(room, vm)).isInstanceOfSatisfying(Placement.Unplaceable.class,
                none -> assertThat(none.explain(room, vm)).isEqualTo(
                        "No host of cluster 'prod-a' has room for VM 'new': the cluster has no host that may take it."));
    }

    @Test
    void oneHostAskedForAnswersWithThatHostsReason() {
        Room room = room(List.of(host("p1", PROD, HostState.CONNECTED), host("p2", PROD, HostState.CONNECTED)),
                List.of(vm("big", "p1", 3_500, VmState.RUNNING)));
        Vm vm = vm("new", null, 1_000, VmState.RUNNING);

        assertThat(engine.place(room, Claims.NONE, vm, h -> h.id().equals("p1")))
                .isInstanceOfSatisfying(Placement.Unplaceable.class, none -> assertThat(none.explainOn(room, vm))
                        .isEqualTo("Host 'p1' has no room for VM 'new': not enough cpu (millicores): needs 1000,"
                                + " 500 free."));
    }

    static Room room(List<Host> hosts, List<Vm> vms) {
        return new Room(List.of(SITE), List.of(PROD, DEV), hosts, vms, List.of(), List.of());
    }

    static Host host(String id, Cluster cluster, HostState state) {
        return new Host(id, cluster.id(), id, "sim://" + id, HOST, state, PowerState.ON, Set.of());
    }

    static Vm vm(String id, String hostId, long millicores, VmState state) {
        return new Vm(id, id, PROD.id(), Optional.ofNullable(hostId), Resources.of(millicores, 512, 0, 0), state,
                VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }
}
