package dev.paddock.placement.packing;

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
import dev.paddock.placement.Claims;
import dev.paddock.placement.Filters;
import dev.paddock.placement.HostView;
import dev.paddock.placement.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Consolidation keeps its own packing code, but a VM fits a bin exactly when the engine's Capacity filter says so. */
class PackingFeasibilityTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 2012})
    void aBinTakesAnItemExactlyWhenTheCapacityFilterLetsTheVmOnTheHost(long seed) {
        Random random = new Random(seed);
        Site site = new Site("s", "s", "");
        Cluster cluster = new Cluster("c", "s", "c", false, 0);
        for (int i = 0; i < 2_000; i++) {
            Resources capacity = Resources.of(8_000, 16_384, 200, 1_000);
            Resources used = Resources.of(random.nextLong(8_001), random.nextLong(16_385), random.nextLong(201),
                    random.nextLong(1_001));
            Resources demand = Resources.of(random.nextLong(4_001), random.nextLong(8_193), random.nextLong(101),
                    random.nextLong(501));
            Host host = new Host("h", "c", "h", "sim://h", capacity, HostState.CONNECTED, PowerState.ON, Set.of());
            Vm there = vm("there", Optional.of("h"), used);
            Vm vm = vm("new", Optional.empty(), demand);
            Room room = new Room(List.of(site), List.of(cluster), List.of(host), List.of(there), List.of(), List.of());

            boolean filter = new Filters.Capacity().test(vm, HostView.of(room, Claims.NONE, host, vm), room)
                    instanceof Verdict.Fits;
            boolean packing = FitDecreasing.fits(array(demand), array(capacity.minus(used)));

            assertThat(packing).as("demand %s on a host with %s used", demand, used).isEqualTo(filter);
        }
    }

    private static long[] array(Resources resources) {
        long[] values = new long[Resources.DIMENSIONS];
        for (int d = 0; d < values.length; d++) {
            values[d] = resources.get(d);
        }
        return values;
    }

    private static Vm vm(String id, Optional<String> host, Resources demand) {
        return new Vm(id, id, "c", host, demand, VmState.RUNNING, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(),
                Set.of(), List.of(), List.of());
    }
}
