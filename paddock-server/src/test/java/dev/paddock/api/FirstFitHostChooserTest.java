package dev.paddock.api;

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

class FirstFitHostChooserTest {

    private static final Site SITE = new Site("s", "s", "");
    private static final Cluster PROD = new Cluster("prod", "s", "prod", true, 1);
    private static final Cluster DEV = new Cluster("dev", "s", "dev", true, 1);
    private static final Resources HOST = Resources.of(4_000, 8_192, 100, 1_000);

    private final FirstFitHostChooser chooser = new FirstFitHostChooser();

    @Test
    void theFirstHostOfTheClusterWithRoomIsChosen() {
        Room room = room(List.of(host("d1", DEV, HostState.CONNECTED), host("p1", PROD, HostState.CONNECTED),
                host("p2", PROD, HostState.CONNECTED)), List.of(vm("big", "p1", 4_000, VmState.RUNNING)));

        assertThat(chooser.choose(vm("new", null, 1_000, VmState.STOPPED), room))
                .isEqualTo(new HostChooser.Placed(room.host("p2").orElseThrow()));
    }

    @Test
    void aStoppedVmHoldsNoCapacity() {
        Room room = room(List.of(host("p1", PROD, HostState.CONNECTED)), List.of(vm("off", "p1", 4_000, VmState.STOPPED)));

        assertThat(chooser.choose(vm("new", null, 4_000, VmState.STOPPED), room))
                .isInstanceOf(HostChooser.Placed.class);
    }

    @Test
    void everyHostPassedOverSaysWhy() {
        Room room = room(List.of(host("p1", PROD, HostState.MAINTENANCE), host("p2", PROD, HostState.CONNECTED)),
                List.of(vm("big", "p2", 3_500, VmState.RUNNING)));

        assertThat(chooser.choose(vm("new", null, 1_000, VmState.STOPPED), room)).isEqualTo(new HostChooser.Unplaceable(
                List.of("p1 takes no new VMs (maintenance, power on)",
                        "p2 has 500 millicores of cpu free, 1000 needed")));
    }

    @Test
    void aClusterWithoutHostsSaysSo() {
        assertThat(chooser.choose(vm("new", null, 1_000, VmState.STOPPED), room(List.of(), List.of())))
                .isEqualTo(new HostChooser.Unplaceable(List.of("the cluster has no hosts")));
    }

    private static Room room(List<Host> hosts, List<Vm> vms) {
        return new Room(List.of(SITE), List.of(PROD, DEV), hosts, vms, List.of(), List.of());
    }

    private static Host host(String id, Cluster cluster, HostState state) {
        return new Host(id, cluster.id(), id, "sim://" + id, HOST, state, PowerState.ON, Set.of());
    }

    private static Vm vm(String id, String hostId, long millicores, VmState state) {
        return new Vm(id, id, PROD.id(), Optional.ofNullable(hostId), Resources.of(millicores, 512, 0, 0), state,
                VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }
}
