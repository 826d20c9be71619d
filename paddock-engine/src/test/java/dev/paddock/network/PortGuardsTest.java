package dev.paddock.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.PortGuard;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortGuardsTest {

    private static final Network.Carrier SWITCHED = new Network.Carrier("iso", "sw0", false, true, OptionalInt.of(30));

    @Test
    void everySwitchedNicIsGuardedAndAnIsolatedOneHearsNothingFromItsPeersOnAnyHost() {
        Network isolated = new Network("n-iso", "site", "iso", OptionalInt.of(30), true, Set.of(),
                Map.of("h1", SWITCHED, "h2", SWITCHED));
        Network open = new Network("n-open", "site", "open", OptionalInt.empty(), false, Set.of(),
                Map.of("h1", new Network.Carrier("open", "sw0", false, true, OptionalInt.empty())));
        Network bridged = new Network("n-br", "site", "br", OptionalInt.empty(), false, Set.of(),
                Map.of("h1", new Network.Carrier("br", "br0")));
        Room room = new Room(List.of(), List.of(), List.of(), List.of(
                vm("a", "h1", new Nic("n-iso", "52:54:00:00:00:0a").withAddresses(List.of("10.0.0.10")),
                        new Nic("n-br", "52:54:00:00:00:1a")),
                vm("b", "h2", new Nic("n-iso", "52:54:00:00:00:0b")),
                vm("c", "h1", new Nic("n-open", "52:54:00:00:00:0c").withTrust(true))),
                List.of(isolated, open, bridged), List.of());

        Map<PortGuards.SwitchOf, List<PortGuard>> plan = PortGuards.plan(room);

        assertThat(plan).containsOnlyKeys(new PortGuards.SwitchOf("h1", "sw0"), new PortGuards.SwitchOf("h2", "sw0"));
        assertThat(plan.get(new PortGuards.SwitchOf("h1", "sw0"))).containsExactlyInAnyOrder(
                new PortGuard("52:54:00:00:00:0a", List.of("10.0.0.10"), false, Set.of("52:54:00:00:00:0b")),
                new PortGuard("52:54:00:00:00:0c", List.of(), true, Set.of()));
        assertThat(plan.get(new PortGuards.SwitchOf("h2", "sw0"))).containsExactly(
                new PortGuard("52:54:00:00:00:0b", List.of(), false, Set.of("52:54:00:00:00:0a")));
    }

    @Test
    void aSwitchWithoutPlacedVmsIsStillPlannedSoThatOldGuardsAreLifted() {
        Network open = new Network("n-open", "site", "open", OptionalInt.empty(), false, Set.of(),
                Map.of("h1", SWITCHED));
        Room room = new Room(List.of(), List.of(), List.of(),
                List.of(vm("a", null, new Nic("n-open", "52:54:00:00:00:0a"))), List.of(open), List.of());

        assertThat(PortGuards.plan(room)).containsExactly(Map.entry(new PortGuards.SwitchOf("h1", "sw0"), List.of()));
    }

    private static Vm vm(String name, String host, Nic... nics) {
        Vm vm = new Vm(name, name, "cluster", Optional.empty(), Resources.of(100, 128, 0, 0), VmState.RUNNING,
                VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of(nics));
        return host == null ? vm : vm.withHost(host);
    }
}
