package dev.paddock.placement;

import static dev.paddock.placement.Rooms.cpuMem;
import static dev.paddock.placement.Rooms.host;
import static dev.paddock.placement.Rooms.vm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.ha.FailoverPlanner;
import dev.paddock.ha.FailoverPolicy;
import dev.paddock.ha.Restart;
import dev.paddock.model.Host;
import dev.paddock.model.HostCpu;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A VM that keeps running as it moves keeps its host's CPU: live migrations and evacuations choose among the hosts
 * with that CPU; a VM that boots (a create, a start, an HA restart) finds any CPU.
 *
 * <p>The room: web runs on h0 (Intel Skylake with avx512f); h1, the emptiest, has an AMD EPYC; h2 has h0's CPU;
 * h3 has h0's model without avx512f.
 */
class CpuCompatibleFilterTest {

    static final HostCpu SKYLAKE = new HostCpu("Intel", "Skylake-Client-IBRS", Set.of("avx512f", "pku"));
    static final HostCpu EPYC = new HostCpu("AMD", "EPYC-Rome", Set.of("sha-ni"));
    static final HostCpu SKYLAKE_NO_AVX512 = new HostCpu("Intel", "Skylake-Client-IBRS", Set.of("pku"));

    static Room room(HostCpu h2Cpu) {
        return Rooms.room(List.of(host("h0", cpuMem(8_000, 16_384)).withCpu(SKYLAKE),
                host("h1", cpuMem(32_000, 65_536)).withCpu(EPYC),
                host("h2", cpuMem(8_000, 16_384)).withCpu(h2Cpu),
                host("h3", cpuMem(16_000, 32_768)).withCpu(SKYLAKE_NO_AVX512)),
                List.of(web()));
    }

    /** Protected (HA priority 100), so that HA restarts it. */
    static Vm web() {
        return new Vm("web", "web", "c1", Optional.of("h0"), cpuMem(1_000, 1_024), VmState.RUNNING,
                VmOrigin.MANAGED, "app", 100, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    static boolean notH0(Host host) {
        return !host.id().equals("h0");
    }

    @Test
    @DisplayName("a migration without a target goes to the host with the VM's CPU, not the emptiest")
    void migrationChoosesTheSameCpu() {
        Placement answer = PlacementEngine.liveMigration().place(room(SKYLAKE), Claims.NONE, web(),
                CpuCompatibleFilterTest::notH0);

        assertThat(answer).isInstanceOfSatisfying(Placement.Placed.class,
                placed -> assertThat(placed.host().id()).isEqualTo("h2"));
        assertThat(answer.rejections().get("h1"))
                .isEqualTo(Reject.because("cpu", "host has an AMD EPYC-Rome CPU, the VM runs on h0's Intel"
                        + " Skylake-Client-IBRS"));
        assertThat(answer.rejections().get("h3")).isEqualTo(Reject.because("cpu",
                "host's Intel Skylake-Client-IBRS CPU lacks avx512f of h0's, where the VM runs"));
    }

    @Test
    @DisplayName("a target given by name that lacks the VM's CPU is refused with the filter's sentence")
    void namedTargetRefused() {
        Room room = room(SKYLAKE);
        Placement answer = PlacementEngine.liveMigration().place(room, Claims.NONE, web(),
                host -> host.id().equals("h1"));

        assertThat(answer).isInstanceOfSatisfying(Placement.Unplaceable.class, none -> assertThat(
                none.explainOn(room, web())).isEqualTo("Host 'h1' has no room for VM 'web': host has an AMD"
                        + " EPYC-Rome CPU, the VM runs on h0's Intel Skylake-Client-IBRS."));
    }

    @Test
    @DisplayName("an evacuation moves the VM onto its CPU, or says why no host has it")
    void evacuation() {
        PlacementEngine engine = PlacementEngine.liveMove();

        assertThat(engine.evacuate(room(SKYLAKE), Claims.NONE, "h0")).isInstanceOfSatisfying(Evacuation.Moves.class,
                moves -> assertThat(moves.moves()).extracting(Evacuation.Move::toHostId).containsExactly("h2"));
        assertThat(engine.evacuate(room(EPYC), Claims.NONE, "h0")).isInstanceOfSatisfying(Evacuation.Stuck.class,
                stuck -> assertThat(stuck.sentence()).isEqualTo("No host of cluster 'c1' has room for VM 'web':"
                        + " h1: host has an AMD EPYC-Rome CPU, the VM runs on h0's Intel Skylake-Client-IBRS;"
                        + " h2: host has an AMD EPYC-Rome CPU, the VM runs on h0's Intel Skylake-Client-IBRS;"
                        + " h3: host's Intel Skylake-Client-IBRS CPU lacks avx512f of h0's, where the VM runs."));
    }

    @Test
    @DisplayName("an HA restart boots the VM afresh: it goes to the emptiest host whatever its CPU")
    void haRestartIgnoresCpus() {
        List<Restart> restarts = FailoverPlanner.standard().plan(room(EPYC), Set.of("h0"), FailoverPolicy.DEFAULT)
                .restarts();

        assertThat(restarts).extracting(Restart::toHostId).containsExactly("h1");
    }

    @Test
    @DisplayName("a stopped VM, a VM on no host, its own host and a CPU not known are not judged")
    void notJudged() {
        Room room = room(EPYC);
        PlacementEngine engine = PlacementEngine.liveMigration();

        assertThat(engine.place(room, Claims.NONE, web().withState(VmState.STOPPED), host -> host.id().equals("h1")))
                .isInstanceOf(Placement.Placed.class);
        assertThat(engine.place(room, Claims.NONE, vm("new", cpuMem(1_000, 1_024)), host -> host.id().equals("h1")))
                .isInstanceOf(Placement.Placed.class);
        assertThat(engine.place(room, Claims.NONE, web(), host -> host.id().equals("h0")))
                .isInstanceOf(Placement.Placed.class);
        Room unknown = room.with(room.host("h1").orElseThrow().withCpu(HostCpu.UNKNOWN));
        assertThat(engine.place(unknown, Claims.NONE, web(), host -> host.id().equals("h1")))
                .isInstanceOf(Placement.Placed.class);
    }
}
