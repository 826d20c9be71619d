package dev.paddock.placement;

import static dev.paddock.placement.Rooms.cpuMem;
import static dev.paddock.placement.Rooms.host;
import static dev.paddock.placement.Rooms.vm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Host;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.HostState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {

    private final PlacementEngine balancing = PlacementEngine.balancing();

    @Test
    void balancingPicksTheHostThatStaysEmptiest() {
        Room room = Rooms.room(List.of(host("h1", cpuMem(4_000, 8_192)), host("h2", cpuMem(16_000, 32_768))),
                List.of());

        Placement answer = balancing.place(room, vm("v", cpuMem(1_000, 1_024)));

        assertThat(answer).isInstanceOfSatisfying(Placement.Placed.class,
                placed -> assertThat(placed.host().id()).isEqualTo("h2"));
    }

    @Test
    void packingPicksTheHostThatEndsFullest() {
        Room room = Rooms.room(List.of(host("h1", cpuMem(4_000, 8_192)), host("h2", cpuMem(16_000, 32_768))),
                List.of());

        Placement answer = PlacementEngine.packing().place(room, vm("v", cpuMem(1_000, 1_024)));

        assertThat(answer).isInstanceOfSatisfying(Placement.Placed.class,
                placed -> assertThat(placed.host().id()).isEqualTo("h1"));
    }

    @Test
    void aHostInMaintenanceIsRejectedByName() {
        Room room = Rooms.room(List.of(host("h1", cpuMem(4_000, 8_192)).withState(HostState.MAINTENANCE),
                host("h2", cpuMem(4_000, 8_192))), List.of());

        Placement answer = balancing.place(room, vm("v", cpuMem(1_000, 1_024)));

        assertThat(answer).isInstanceOf(Placement.Placed.class);
        assertThat(answer.rejections().get("h1").filter()).isEqualTo("accepts-vms");
        assertThat(answer.rejections().get("h1").reason()).isEqualTo("host is maintenance and powered on");
    }

    @Test
    void capacityRejectionSaysWhichDimensionAndHowMuch() {
        Room room = Rooms.room(List.of(host("h1", cpuMem(4_000, 8_192))),
                List.of(vm("big", cpuMem(1_000, 6_000)).withHost("h1")));

        Placement answer = balancing.place(room, vm("v", cpuMem(1_000, 4_096)));

        assertThat(answer).isInstanceOf(Placement.Unplaceable.class);
        assertThat(answer.rejections())
                .containsEntry("h1", new Reject("capacity", "not enough memory (MiB)", 4_096, 2_192));
    }

    @Test
    void aStoppedVmTakesNoCapacity() {
        Room room = Rooms.room(List.of(host("h1", cpuMem(4_000, 8_192))),
                List.of(vm("off", cpuMem(4_000, 8_192)).withState(dev.paddock.model.VmState.STOPPED).withHost("h1")));

        assertThat(balancing.place(room, vm("v", cpuMem(1_000, 1_024)))).isInstanceOf(Placement.Placed.class);
    }

    @Test
    void licencesNetworksDatastoresAndAntiAffinityEachRejectWithTheirName() {
        Host plain = host("plain", cpuMem(8_000, 16_384));
        Host licensed = new Host("licensed", "c1", "licensed", "sim://l", cpuMem(8_000, 16_384),
                HostState.CONNECTED, dev.paddock.model.PowerState.ON, Set.of("oracle"));
        Vm db1 = vm("db1", cpuMem(1_000, 1_024), Set.of(), Set.of("db"), Set.of("oracle")).withHost("licensed");
        Room room = Rooms.room(List.of(plain, licensed), List.of(db1));

        Placement answer = balancing.place(room, vm("db2", cpuMem(1_000, 1_024), Set.of(), Set.of("db"),
                Set.of("oracle")));

        assertThat(answer).isInstanceOf(Placement.Unplaceable.class);
        assertThat(answer.rejections().get("plain").filter()).isEqualTo("licences");
        assertThat(answer.rejections().get("licensed").filter()).isEqualTo("anti-affinity");
        assertThat(answer.rejections().get("licensed").reason()).contains("db1").contains("db");
    }

    @Test
    void aNetworkOrDatastoreTheHostCannotReachRejectsIt() {
        Vm vm = vm("v", cpuMem(1_000, 1_024), Set.of(), Set.of(), Set.of());
        Vm noNetwork = new Vm("v2", "v2", "c1", java.util.Optional.empty(), vm.demand(), vm.state(), vm.origin(),
                "app", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of(new dev.paddock.model.Nic("dmz", "")));
        Vm foreignDisk = new Vm("v3", "v3", "c1", java.util.Optional.empty(), vm.demand(), vm.state(), vm.origin(),
                "app", 0, Set.of(), Set.of(), Set.of(), List.of(new dev.paddock.model.Disk("d", "other", 5)),
                List.of());
        Room room = Rooms.room(List.of(host("h1", cpuMem(8_000, 16_384))), List.of());

        assertThat(balancing.place(room, noNetwork).rejections().get("h1").filter()).isEqualTo("networks");
        assertThat(balancing.place(room, foreignDisk).rejections().get("h1").filter()).isEqualTo("datastores");
        assertThat(balancing.place(room, vm)).isInstanceOf(Placement.Placed.class);
    }

    @Test
    void aHostThatDoesNotCarryANetworkOfTheVmIsRejectedWithOneSentence() {
        Network backend = new Network("n-backend", "s1", "backend", java.util.OptionalInt.empty(), false, Set.of(),
                java.util.Map.of("h1", new Network.Carrier("backend", "pdk1")));
        Vm vm = new Vm("v", "v", "c1", java.util.Optional.empty(), cpuMem(1_000, 1_024), VmState.RUNNING,
                VmOrigin.MANAGED, "app", 0, Set.of(), Set.of(), Set.of(), List.of(),
                List.of(new Nic("lan", "52:54:00:00:00:01"), new Nic("n-backend", "52:54:00:00:00:02")));
        Room plain = Rooms.room(List.of(host("h1", cpuMem(8_000, 16_384)), host("h2", cpuMem(64_000, 65_536))),
                List.of());
        Room room = new Room(plain.sites(), plain.clusters(), plain.hosts(), plain.vms(),
                List.of(plain.network("lan").orElseThrow(), backend), plain.datastores());

        Placement onlyH2 = balancing.place(room, Claims.NONE, vm, h -> h.id().equals("h2"));
        Placement anywhere = balancing.place(room, vm);

        assertThat(onlyH2).isInstanceOf(Placement.Unplaceable.class);
        assertThat(((Placement.Unplaceable) onlyH2).explain(room, vm)).isEqualTo("No host of cluster 'c1' has room"
                + " for VM 'v': h2: network backend of NIC 52:54:00:00:00:02 is not carried by the host.");
        assertThat(anywhere).isInstanceOf(Placement.Placed.class);
        assertThat(((Placement.Placed) anywhere).host().id()).isEqualTo("h1");
    }

    @Test
    void aHostWhoseLibvirtNetworkIsStoppedDoesNotCarryItForPlacement() {
        Network backend = new Network("n-backend", "s1", "backend", java.util.OptionalInt.empty(), false, Set.of(),
                java.util.Map.of("h1", new Network.Carrier("backend", "pdk1", true),
                        "h2", new Network.Carrier("backend", "pdk1")));
        Vm vm = new Vm("v", "v", "c1", java.util.Optional.empty(), cpuMem(1_000, 1_024), VmState.RUNNING,
                VmOrigin.MANAGED, "app", 0, Set.of(), Set.of(), Set.of(), List.of(),
                List.of(new Nic("n-backend", "52:54:00:00:00:02")));
        Room plain = Rooms.room(List.of(host("h1", cpuMem(64_000, 65_536)), host("h2", cpuMem(8_000, 16_384))),
                List.of());
        Room room = new Room(plain.sites(), plain.clusters(), plain.hosts(), plain.vms(), List.of(backend),
                plain.datastores());

        Placement onlyH1 = balancing.place(room, Claims.NONE, vm, h -> h.id().equals("h1"));
        Placement anywhere = balancing.place(room, vm);

        assertThat(((Placement.Unplaceable) onlyH1).explain(room, vm)).isEqualTo("No host of cluster 'c1' has room"
                + " for VM 'v': h1: network backend of NIC 52:54:00:00:00:02 is stopped on the host.");
        assertThat(((Placement.Placed) anywhere).host().id()).isEqualTo("h2");
    }

    @Test
    void aNetworkDeclaredByHandIsCarriedByEveryHostOfItsSite() {
        Room room = Rooms.room(List.of(host("h1", cpuMem(8_000, 16_384)), host("h2", cpuMem(8_000, 16_384))),
                List.of());
        Vm vm = vm("v", cpuMem(1_000, 1_024), Set.of(), Set.of(), Set.of());

        for (String hostId : List.of("h1", "h2")) {
            assertThat(balancing.place(room, Claims.NONE, vm, h -> h.id().equals(hostId))).isInstanceOf(Placement.Placed.class);
        }
    }

    @Test
    void affinityOutweighsBalance() {
        Vm web1 = vm("web1", cpuMem(1_000, 1_024), Set.of("shop"), Set.of(), Set.of()).withHost("h1");
        Room room = Rooms.room(List.of(host("h1", cpuMem(8_000, 16_384)), host("h2", cpuMem(8_000, 16_384))),
                List.of(web1));

        Placement answer = balancing.place(room, vm("web2", cpuMem(1_000, 1_024), Set.of("shop"), Set.of(),
                Set.of()));

        assertThat(answer).isInstanceOfSatisfying(Placement.Placed.class,
                placed -> assertThat(placed.host().id()).isEqualTo("h1"));
    }

    @Test
    void placingAVmAgainDoesNotCountItTwice() {
        Vm running = vm("v", cpuMem(3_000, 6_000)).withHost("h1");
        Room room = Rooms.room(List.of(host("h1", cpuMem(4_000, 8_192))), List.of(running));

        assertThat(balancing.place(room, running)).isInstanceOf(Placement.Placed.class);
    }

    @Test
    void anEmptyRoomCannotPlaceAnything() {
        Placement answer = balancing.place(Rooms.room(List.of(), List.of()), vm("v", Resources.ZERO));

        assertThat(answer).isEqualTo(new Placement.Unplaceable(java.util.Map.of()));
    }
}
