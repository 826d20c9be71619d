package dev.paddock.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DemoRoomTest {

    private final SimulatedRoom demo = DemoRoom.build(ManualClock.atEpochOf2030(), 2030);
    private final Room room = demo.room();

    @Test
    @DisplayName("the demo has two sites, three clusters, twelve hosts and about sixty VMs in three tiers")
    void shape() {
        assertThat(room.sites()).extracting(s -> s.name()).containsExactly("paris", "lyon");
        assertThat(room.clusters()).hasSize(3);
        assertThat(room.hosts()).hasSize(12).extracting(Host::name).contains("esx-par-01", "esx-lyo-03");
        assertThat(room.vms()).hasSizeBetween(55, 65);
        assertThat(room.vms()).extracting(Vm::tier).containsOnly("web", "app", "db");
        assertThat(room.vms()).extracting(Vm::name).contains("shop-web-01", "erp-db-02").doesNotHaveDuplicates();
        assertThat(room.networks()).allSatisfy(n -> assertThat(n.siteId()).isIn("paris", "lyon"));
        assertThat(room.networks()).filteredOn(n -> n.vlan().isPresent()).hasSizeGreaterThanOrEqualTo(6);
        assertThat(room.datastores()).anySatisfy(d -> assertThat(d.shared()).isTrue());
        assertThat(room.vms()).anySatisfy(vm -> assertThat(vm.haPriority()).isZero())
                .anySatisfy(vm -> assertThat(vm.haPriority()).isGreaterThan(2));
    }

    @Test
    @DisplayName("every cluster of the demo keeps its promise to survive one host failure")
    void everyClusterCanLoseAHost() {
        for (var cluster : room.clusters()) {
            assertThat(dev.paddock.ha.AdmissionControl.standard().check(room, cluster.id()))
                    .as(cluster.id()).isInstanceOf(dev.paddock.ha.AdmissionVerdict.Admitted.class);
        }
    }

    @Test
    @DisplayName("no host is overcommitted and every VM sits on a host of its own cluster that has its licences")
    void placementIsValid() {
        Map<String, Resources> used = new HashMap<>();
        for (Vm vm : room.vms()) {
            Host host = room.host(vm.hostId().orElseThrow()).orElseThrow();
            assertThat(host.clusterId()).as(vm.name()).isEqualTo(vm.clusterId());
            assertThat(host.licences()).as(vm.name()).containsAll(vm.licences());
            used.merge(host.id(), vm.demand(), Resources::plus);
        }
        used.forEach((host, demand) ->
                assertThat(demand.fitsIn(room.host(host).orElseThrow().capacity())).as(host).isTrue());
    }

    @Test
    @DisplayName("VMs of one anti-affinity group are spread over distinct hosts where the cluster allows")
    void antiAffinityIsSpread() {
        Map<String, List<Vm>> groups = room.vms().stream()
                .collect(Collectors.groupingBy(vm -> vm.antiAffinityGroups().iterator().next()));
        for (List<Vm> group : groups.values()) {
            Set<String> clusterHosts = room.hostsOf(group.get(0).clusterId()).stream()
                    .filter(h -> h.licences().containsAll(group.get(0).licences()))
                    .map(Host::id).collect(Collectors.toSet());
            long distinct = group.stream().map(vm -> vm.hostId().orElseThrow()).distinct().count();
            assertThat(distinct).as(group.get(0).name()).isEqualTo(Math.min(group.size(), clusterHosts.size()));
        }
    }

    @Test
    @DisplayName("every VM of the room runs as a domain with its id as UUID on its host in the sim")
    void simMatchesRoom() {
        SimulatedHypervisor sim = demo.hypervisor();
        for (Host host : room.hosts()) {
            sim.attach(host.id(), host.uri());
            List<DomainInfo> domains = sim.domains(host.id());
            assertThat(domains).extracting(DomainInfo::uuid)
                    .containsExactlyInAnyOrderElementsOf(room.vmsOn(host.id()).stream().map(Vm::id).toList());
            assertThat(domains).allSatisfy(d -> assertThat(d.state()).isEqualTo(VmState.RUNNING));
        }
    }

    @Test
    @DisplayName("the same seed gives the same room; another seed other UUIDs")
    void seeded() {
        Room again = DemoRoom.build(ManualClock.atEpochOf2030(), 2030).room();
        Room other = DemoRoom.build(ManualClock.atEpochOf2030(), 2031).room();

        assertThat(again.vms()).containsExactlyElementsOf(room.vms());
        assertThat(other.vms()).extracting(Vm::id).doesNotContainAnyElementsOf(room.vms().stream().map(Vm::id).toList());
    }
}
