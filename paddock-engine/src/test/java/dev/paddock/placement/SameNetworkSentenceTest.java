package dev.paddock.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.ha.AdmissionControl;
import dev.paddock.ha.AdmissionVerdict;
import dev.paddock.ha.FailoverPlanner;
import dev.paddock.ha.FailoverPolicy;
import dev.paddock.model.Host;
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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A VM whose network only h0 carries reads the same sentence on every path that places it, as a VM short of room
 * does ({@link SameSentenceTest}): h1 and h2 have room to spare and carry no such network.
 */
class SameNetworkSentenceTest {

    static final String SENTENCE = "No host of cluster 'prod-a' has room for VM 'x': h1: network backend of NIC"
            + " 52:54:00:00:00:01 is not carried by the host; h2: network backend of NIC 52:54:00:00:00:01 is not"
            + " carried by the host.";

    static final PlacementEngine ENGINE = SameSentenceTest.ENGINE;

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
                        .standard().check(room(true), SameSentenceTest.CLUSTER.id())).reason()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void everyPathSaysTheSameOfANetworkNoOtherHostCarries(String path, Supplier<String> sentence) {
        String said = sentence.get();
        if (path.startsWith("admission")) {
            assertThat(said).startsWith("cluster c1 could not tolerate 1 host failure: if h0 failed")
                    .endsWith(SENTENCE);
        } else {
            assertThat(said).isEqualTo(SENTENCE);
        }
    }

    private static Arguments path(String name, Supplier<String> sentence) {
        return Arguments.of(name, sentence);
    }

    private static String unplaceable(Placement answer, Vm vm) {
        assertThat(answer).isInstanceOf(Placement.Unplaceable.class);
        return ((Placement.Unplaceable) answer).explain(room(true), vm);
    }

    /** h0 carries "backend", h1 and h2 do not; with {@code withH0}, x runs on h0 (the create's room has no h0). */
    static Room room(boolean withH0) {
        List<Host> hosts = withH0
                ? List.of(SameSentenceTest.host("h0", 8_000), SameSentenceTest.host("h1", 8_000),
                        SameSentenceTest.host("h2", 8_000))
                : List.of(SameSentenceTest.host("h1", 8_000), SameSentenceTest.host("h2", 8_000));
        Network backend = new Network("n-backend", SameSentenceTest.SITE.id(), "backend", OptionalInt.empty(), false,
                Set.of(), Map.of("h0", new Network.Carrier("backend", "pdk0")));
        return new Room(List.of(SameSentenceTest.SITE), List.of(SameSentenceTest.CLUSTER), hosts,
                withH0 ? List.of(x("h0")) : List.of(), List.of(backend), List.of());
    }

    static Vm x(String hostId) {
        return new Vm("x", "x", SameSentenceTest.CLUSTER.id(), Optional.ofNullable(hostId),
                Resources.of(2_000, 1_024, 0, 0), VmState.RUNNING, VmOrigin.MANAGED, "db", 100, Set.of(), Set.of(),
                Set.of(), List.of(), List.of(new Nic("n-backend", "52:54:00:00:00:01")));
    }
}
