package dev.paddock.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InventoryReconcilerTest {

    private static final Host H1 = host("h1");
    private static final Host H2 = host("h2");

    private static Host host(String id) {
        return new Host(id, "c1", id, "sim://" + id, Resources.of(8000, 16384, 100, 1000), HostState.CONNECTED,
                PowerState.ON, Set.of());
    }

    private static Vm vm(String id, String name, String hostId, VmState state, VmOrigin origin) {
        return new Vm(id, name, "c1", Optional.of(hostId), Resources.of(1000, 512, 0, 0), state, origin, "web", 1,
                Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    private static DomainInfo domain(String uuid, String name, String hostId, VmState state) {
        return new DomainInfo(uuid, name, hostId, state, 2, 1024, true);
    }

    private static List<InventoryChange> reconcile(Host host, List<DomainInfo> reported, List<Vm> onHost, Map<String, Vm> all) {
        return InventoryReconciler.reconcile(host, reported, onHost, id -> Optional.ofNullable(all.get(id)),
                name -> all.values().stream().anyMatch(v -> v.name().equals(name)));
    }

    @Test
    void aHostThatReportsWhatTheInventorySaysNeedsNoChange() {
        Vm web = vm("u1", "web-01", "h1", VmState.RUNNING, VmOrigin.MANAGED);
        assertThat(reconcile(H1, List.of(domain("u1", "web-01", "h1", VmState.RUNNING)), List.of(web), Map.of("u1", web)))
                .isEmpty();
    }

    @Test
    void aStateChangeReportedByTheHostIsTakenIntoTheInventory() {
        Vm web = vm("u1", "web-01", "h1", VmState.RUNNING, VmOrigin.MANAGED);
        List<InventoryChange> changes = reconcile(H1, List.of(domain("u1", "web-01", "h1", VmState.STOPPED)),
                List.of(web), Map.of("u1", web));
        assertThat(changes).singleElement().isInstanceOf(InventoryChange.Update.class);
        assertThat(changes.get(0).vm().state()).isEqualTo(VmState.STOPPED);
    }

    @Test
    void aVmReportedOnAnotherHostMovesThereInTheInventory() {
        Vm web = vm("u1", "web-01", "h1", VmState.RUNNING, VmOrigin.MANAGED);
        List<InventoryChange> changes = reconcile(H2, List.of(domain("u1", "web-01", "h2", VmState.RUNNING)),
                List.of(), Map.of("u1", web));
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.vm().hostId()).contains("h2");
            assertThat(c.vm().origin()).isEqualTo(VmOrigin.MANAGED);
        });
    }

    @Test
    void aStoppedCopyOnAHostBackFromAFenceLeavesTheVmWhereItRuns() {
        Vm web = vm("u1", "web-01", "h2", VmState.RUNNING, VmOrigin.MANAGED);
        assertThat(reconcile(H1, List.of(domain("u1", "web-01", "h1", VmState.STOPPED)), List.of(), Map.of("u1", web)))
                .isEmpty();
    }

    @Test
    void theDestinationsPausedTransientCopyDuringALiveMigrationLeavesTheVmOnItsSource() {
        Vm web = vm("u1", "web-01", "h1", VmState.RUNNING, VmOrigin.MANAGED);
        DomainInfo incoming = new DomainInfo("u1", "web-01", "h2", VmState.PAUSED, 2, 1024, false);

        assertThat(reconcile(H2, List.of(incoming), List.of(), Map.of("u1", web))).isEmpty();
        assertThat(InventoryReconciler.runningHere(H2, List.of(incoming), id -> Optional.of(web))).isEmpty();

        DomainInfo arrived = new DomainInfo("u1", "web-01", "h2", VmState.RUNNING, 2, 1024, true);
        assertThat(reconcile(H2, List.of(arrived), List.of(), Map.of("u1", web))).as("the migration ended")
                .singleElement().satisfies(change -> assertThat(change.vm().hostId()).contains("h2"));
        DomainInfo pausedThere = new DomainInfo("u1", "web-01", "h2", VmState.PAUSED, 2, 1024, true);
        assertThat(reconcile(H2, List.of(pausedThere), List.of(), Map.of("u1", web)))
                .as("a persistent paused domain is the VM, paused where it is").hasSize(1);
    }

    @Test
    void aStoppedDomainOfAVmStoppedElsewhereStillMovesTheVm() {
        Vm web = vm("u1", "web-01", "h2", VmState.STOPPED, VmOrigin.MANAGED);
        List<InventoryChange> changes = reconcile(H1, List.of(domain("u1", "web-01", "h1", VmState.STOPPED)),
                List.of(), Map.of("u1", web));
        assertThat(changes).singleElement().satisfies(change -> assertThat(change.vm().hostId()).contains("h1"));
    }

    @Test
    void aDomainPaddockNeverCreatedIsRecordedAsUnregistered() {
        List<InventoryChange> changes = reconcile(H1, List.of(domain("rogue", "miner", "h1", VmState.RUNNING)),
                List.of(), Map.of());
        assertThat(changes).singleElement().isInstanceOf(InventoryChange.Unregistered.class);
        Vm rogue = changes.get(0).vm();
        assertThat(rogue.origin()).isEqualTo(VmOrigin.UNREGISTERED);
        assertThat(rogue.hostId()).contains("h1");
        assertThat(rogue.demand()).isEqualTo(Resources.of(2000, 1024, 0, 0));
    }

    @Test
    void anUnregisteredDomainNamedLikeAManagedVmGetsADistinctName() {
        Vm web = vm("u1", "web-01", "h2", VmState.RUNNING, VmOrigin.MANAGED);
        List<InventoryChange> changes = reconcile(H1, List.of(domain("abcdef0123", "web-01", "h1", VmState.RUNNING)),
                List.of(), Map.of("u1", web));
        assertThat(changes.get(0).vm().name()).isEqualTo("web-01-abcdef01");
    }

    @Test
    void aManagedVmTheHostNoLongerReportsBecomesUnknownAndIsNeverDeleted() {
        Vm web = vm("u1", "web-01", "h1", VmState.RUNNING, VmOrigin.MANAGED);
        List<InventoryChange> changes = reconcile(H1, List.of(), List.of(web), Map.of("u1", web));
        assertThat(changes).singleElement().isInstanceOf(InventoryChange.Update.class);
        assertThat(changes.get(0).vm().state()).isEqualTo(VmState.UNKNOWN);
    }

    @Test
    void aManagedVmAlreadyUnknownIsLeftAlone() {
        Vm web = vm("u1", "web-01", "h1", VmState.UNKNOWN, VmOrigin.MANAGED);
        assertThat(reconcile(H1, List.of(), List.of(web), Map.of("u1", web))).isEmpty();
    }

    @Test
    void anUnregisteredVmWhoseDomainIsGoneLeavesTheInventory() {
        Vm rogue = vm("r1", "miner", "h1", VmState.RUNNING, VmOrigin.UNREGISTERED);
        assertThat(reconcile(H1, List.of(), List.of(rogue), Map.of("r1", rogue)))
                .singleElement().isInstanceOf(InventoryChange.Forget.class);
    }
}
