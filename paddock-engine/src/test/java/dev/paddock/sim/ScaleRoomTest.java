package dev.paddock.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScaleRoomTest {

    @Test
    @DisplayName("a room of 10,000 hosts and 100,000 VMs, with its simulated hypervisor, builds in seconds")
    void tenThousandHosts() {
        long start = System.nanoTime();

        SimulatedRoom scale = ScaleRoom.build(10_000, 100_000, 7, ManualClock.atEpochOf2030());

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("build time").isLessThan(Duration.ofSeconds(20));
        assertThat(scale.room().hosts()).hasSize(10_000);
        assertThat(scale.room().vms()).hasSize(100_000);
        assertThat(scale.hypervisor().hosts()).hasSize(10_000)
                .extracting(SimHostStatus::domains)
                .satisfies(counts -> assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100_000));
        Host some = scale.room().hosts().iterator().next();
        scale.hypervisor().attach(some.id(), some.uri());
        assertThat(scale.hypervisor().domains(some.id())).isNotEmpty();
    }

    @Test
    @DisplayName("no host of a generated room is overcommitted, and every VM is in its host's cluster")
    void noOvercommit() {
        Room room = ScaleRoom.room(500, 6_000, 3);
        Map<String, Resources> used = new HashMap<>();
        for (Vm vm : room.vms()) {
            Host host = room.host(vm.hostId().orElseThrow()).orElseThrow();
            assertThat(host.clusterId()).isEqualTo(vm.clusterId());
            used.merge(host.id(), vm.demand(), Resources::plus);
        }
        used.forEach((host, demand) ->
                assertThat(demand.fitsIn(room.host(host).orElseThrow().capacity())).as(host).isTrue());
    }

    @Test
    @DisplayName("the same seed gives the same room")
    void seeded() {
        assertThat(ScaleRoom.room(100, 1_000, 5).vms()).containsExactlyElementsOf(ScaleRoom.room(100, 1_000, 5).vms());
        assertThat(ScaleRoom.room(100, 1_000, 5).vms()).isNotEqualTo(ScaleRoom.room(100, 1_000, 6).vms());
    }

    @Test
    @DisplayName("asking for more VMs than the hosts can hold is a clear error")
    void tooManyVms() {
        assertThatThrownBy(() -> ScaleRoom.room(2, 1_000, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not fit on 2 hosts");
    }
}
