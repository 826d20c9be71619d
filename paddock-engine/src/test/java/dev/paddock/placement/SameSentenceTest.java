package dev.paddock.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.ha.AdmissionControl;
import dev.paddock.ha.AdmissionVerdict;
import dev.paddock.ha.FailoverPlanner;
import dev.paddock.ha.FailoverPolicy;
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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same infeasibility reads the same sentence on every path that places a VM: VM x (2 vCPUs) has room on
 * neither h1 nor h2 (half a vCPU free each), whether it is created, migrated off h0, evacuated from h0 entering
 * maintenance, restarted after h0 failed, or counted by admission control for h0's failure. The same holds of a
 * host whose CPU is not the one x runs on, on the paths that move x while it runs.
 */
class SameSentenceTest {

    static final String SENTENCE = "No host of cluster 'prod-a' has room for VM 'x': h1: not enough cpu (millicores):"
            + " needs 2000, 500 free; h2: not enough cpu (millicores): needs 2000, 500 free.";

    static final Site SITE = new Site("s", "s", "");
    static final Cluster CLUSTER = new Cluster("c1", "s", "prod-a", true, 1);
    static final PlacementEngine ENGINE = PlacementEngine.balancing();

    static Stream<Arguments> paths() {
        return Stream.of(
                path("a create", () -> unplaceable(ENGINE.place(room(false), Claims.NONE, x(null)), x(null))),
                path("a migration off h0", () -> unplaceable(ENGINE.place(room(true), Claims.NONE, x("h0"),
                        h -> !h.id().equals("h0")), x("h0"))),
                path("an evacuation of h0", () -> ((Evacuation.Stuck) ENGINE.evacuate(room(true), Claims.NONE, "h0"))
                        .sentence()),
                path("an HA restart after h0 failed", () -> FailoverPlanner.standard()
                        .plan(room(true), Set.of("h0"), FailoverPolicy.DEFAULT).unplaced().get(0).reason()),
                path("admission control for h0's failure", () -> ((AdmissionVerdict.Refused) AdmissionControl
                        .standard().check(room(true), CLUSTER.id())).reason()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void everyPathSaysTheSameOfTheSameInfeasibility(String path, Supplier<String> sentence) {
        String said = sentence.get();
        if (path.startsWith("admission")) {
            assertThat(said).as("admission names the failure, then gives the first refusal's sentence")
                    .startsWith("cluster c1 could not tolerate 1 host failure: if h0 failed").endsWith(SENTENCE);
        } else {
            assertThat(said).isEqualTo(SENTENCE);
        }
    }

    static final String CPU_SENTENCE = "No host of cluster 'prod-a' has room for VM 'x': h1: host has an AMD"
            + " EPYC-Rome CPU, the VM runs on h0's Intel Skylake-Client-IBRS; h2: host's Intel Skylake-Client-IBRS CPU"
            + " lacks avx512f of h0's, where the VM runs.";

    /** The paths that move a running VM: a migration without a target, an evacuation. */
    static Stream<Arguments> livePaths() {
        return Stream.of(
                path("a migration off h0", () -> ((Placement.Unplaceable) PlacementEngine.liveMigration().place(
                        cpuRoom(), Claims.NONE, x("h0"), h -> !h.id().equals("h0"))).explain(cpuRoom(), x("h0"))),
                path("an evacuation of h0", () -> ((Evacuation.Stuck) PlacementEngine.liveMove().evacuate(cpuRoom(),
                        Claims.NONE, "h0")).sentence()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("livePaths")
    void everyLiveMoveSaysTheSameOfAnotherCpu(String path, Supplier<String> sentence) {
        assertThat(sentence.get()).isEqualTo(CPU_SENTENCE);
    }

    /** x runs on h0 (Intel Skylake with avx512f); h1 has an AMD EPYC, h2 the same Skylake without avx512f. */
    static Room cpuRoom() {
        List<Host> hosts = List.of(host("h0", 8_000).withCpu(CpuCompatibleFilterTest.SKYLAKE),
                host("h1", 8_000).withCpu(CpuCompatibleFilterTest.EPYC),
                host("h2", 8_000).withCpu(CpuCompatibleFilterTest.SKYLAKE_NO_AVX512));
        return new Room(List.of(SITE), List.of(CLUSTER), hosts, List.of(x("h0")), List.of(), List.of());
    }

    private static Arguments path(String name, Supplier<String> sentence) {
        return Arguments.of(name, sentence);
    }

    private static String unplaceable(Placement answer, Vm vm) {
        assertThat(answer).isInstanceOf(Placement.Unplaceable.class);
        return ((Placement.Unplaceable) answer).explain(room(true), vm);
    }

    /** h1 and h2 with half a vCPU free each; with {@code withH0}, x runs on h0 (the create's room has no h0). */
    static Room room(boolean withH0) {
        List<Host> hosts = withH0 ? List.of(host("h0", 8_000), host("h1", 4_000), host("h2", 4_000))
                : List.of(host("h1", 4_000), host("h2", 4_000));
        List<Vm> vms = withH0 ? List.of(x("h0"), filler("f1", "h1"), filler("f2", "h2"))
                : List.of(filler("f1", "h1"), filler("f2", "h2"));
        return new Room(List.of(SITE), List.of(CLUSTER), hosts, vms, List.of(), List.of());
    }

    static Vm x(String hostId) {
        return new Vm("x", "x", CLUSTER.id(), Optional.ofNullable(hostId), Resources.of(2_000, 1_024, 0, 0),
                VmState.RUNNING, VmOrigin.MANAGED, "db", 100, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    static Vm filler(String id, String hostId) {
        return new Vm(id, id, CLUSTER.id(), Optional.of(hostId), Resources.of(3_500, 1_024, 0, 0), VmState.RUNNING,
                VmOrigin.MANAGED, "app", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    static Host host(String id, long millicores) {
        return new Host(id, CLUSTER.id(), id, "sim://" + id, Resources.of(millicores, 16_384, 100, 1_000),
                HostState.CONNECTED, PowerState.ON, Set.of());
    }
}
