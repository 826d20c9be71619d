package dev.paddock.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlacementPropertiesTest {

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    private static PlacementEngine.Result placeAll(long seed, PlacementEngine engine, List<Vm> vms) {
        Room room = Rooms.random(seed, vms);
        return engine.placeAll(room, vms);
    }

    @ParameterizedTest(name = "seed {0}: no host is overcommitted in any dimension")
    @MethodSource("seeds")
    void noOvercommit(long seed) {
        for (PlacementEngine engine : List.of(PlacementEngine.balancing(), PlacementEngine.packing())) {
            PlacementEngine.Result result = placeAll(seed, engine, new ArrayList<>());
            for (Host host : result.room().hosts()) {
                assertThat(result.room().used(host.id()).fitsIn(host.capacity()))
                        .as("host %s", host.id()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "seed {0}: every VM is either placed once or reported unplaceable")
    @MethodSource("seeds")
    void vmCountIsPreserved(long seed) {
        List<Vm> vms = new ArrayList<>();
        PlacementEngine.Result result = placeAll(seed, PlacementEngine.balancing(), vms);

        assertThat(result.room().vms().size() + result.unplaced().size()).isEqualTo(vms.size());
        assertThat(result.room().vms()).allSatisfy(vm -> assertThat(vm.hostId()).isPresent());
        for (Vm vm : result.unplaced()) {
            assertThat(result.answers().get(vm.id())).isInstanceOf(Placement.Unplaceable.class);
            assertThat(result.answers().get(vm.id()).rejections()).hasSize(result.room().hosts().size());
        }
    }

    @ParameterizedTest(name = "seed {0}: hard rules hold on every placed VM")
    @MethodSource("seeds")
    void hardRulesHold(long seed) {
        PlacementEngine.Result result = placeAll(seed, PlacementEngine.balancing(), new ArrayList<>());
        Room room = result.room();
        for (Vm vm : room.vms()) {
            Host host = room.host(vm.hostId().orElseThrow()).orElseThrow();
            assertThat(host.acceptsVms()).isTrue();
            assertThat(host.licences()).containsAll(vm.licences());
        }
        for (Host host : room.hosts()) {
            Set<String> groups = new HashSet<>();
            for (Vm vm : room.vmsOn(host.id())) {
                for (String group : vm.antiAffinityGroups()) {
                    assertThat(groups.add(group)).as("group %s twice on %s", group, host.id()).isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}: the same room gives the same placements")
    @MethodSource("seeds")
    void deterministic(long seed) {
        PlacementEngine.Result first = placeAll(seed, PlacementEngine.balancing(), new ArrayList<>());
        PlacementEngine.Result second = placeAll(seed, PlacementEngine.balancing(), new ArrayList<>());

        assertThat(second.room().vms()).containsExactlyElementsOf(first.room().vms());
    }
}
