package dev.paddock.monitoring;

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
import dev.paddock.monitoring.ThresholdWatch.Effect;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ThresholdEvaluatorTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final Room room = new Room(List.of(new Site("par", "par", "")),
            List.of(new Cluster("prod", "par", "prod", false, 0), new Cluster("test", "par", "test", false, 0)),
            List.of(host("h1", "prod"), host("h2", "prod"), host("h3", "test")),
            List.of(vm("web", "prod", "h1"), vm("db", "prod", "h2"), vm("ci", "test", "h3")), List.of(), List.of());
    private final Map<String, Double> values = new HashMap<>();
    private final Readings readings = (metric, id) -> values.containsKey(id)
            ? OptionalDouble.of(values.get(id)) : OptionalDouble.empty();

    private static Host host(String id, String cluster) {
        return new Host(id, cluster, id, "sim://" + id, Resources.of(8000, 16384, 0, 0), HostState.CONNECTED,
                PowerState.ON, Set.of());
    }

    private static Vm vm(String id, String cluster, String host) {
        return new Vm(id, id, cluster, Optional.of(host), Resources.of(1000, 1024, 0, 0), VmState.RUNNING,
                VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    private static ThresholdRule rule(Metric metric, Scope scope, double value, Duration duration) {
        return new ThresholdRule("r1", "busy", metric, scope, ThresholdRule.Comparison.ABOVE, value, duration, "admin",
                T0);
    }

    @Test
    void aClusterScopedHostRuleWatchesOnlyThatClustersHostsAndRaisesOnceAfterItsDuration() {
        ThresholdRule rule = rule(Metric.HOST_CPU, new Scope(Scope.Kind.CLUSTER, "prod"), 90, Duration.ofMinutes(5));
        values.putAll(Map.of("h1", 95.0, "h2", 50.0, "h3", 99.0));

        var first = ThresholdEvaluator.evaluate(room, List.of(rule), readings, Map.of(), T0);
        var later = ThresholdEvaluator.evaluate(room, List.of(rule), readings, first.watches(), T0.plusSeconds(300));
        var after = ThresholdEvaluator.evaluate(room, List.of(rule), readings, later.watches(), T0.plusSeconds(310));

        assertThat(first.changes()).isEmpty();
        assertThat(later.changes()).singleElement().satisfies(change -> {
            assertThat(change.subjectId()).isEqualTo("h1");
            assertThat(change.effect()).isEqualTo(Effect.RAISE);
            assertThat(change.message()).isEqualTo("host h1: 95 % CPU, threshold busy (host.cpu_percent > 90 for 300 s)");
        });
        assertThat(after.changes()).as("not raised again while it holds").isEmpty();

        values.put("h1", 40.0);
        var cleared = ThresholdEvaluator.evaluate(room, List.of(rule), readings, after.watches(), T0.plusSeconds(320));
        assertThat(cleared.changes()).singleElement().satisfies(change -> {
            assertThat(change.effect()).isEqualTo(Effect.CLEAR);
            assertThat(change.message()).startsWith("cleared: host h1 at 40 % CPU");
        });
        assertThat(cleared.watches()).isEmpty();
    }

    @Test
    void aHostScopedVmRuleWatchesTheVmsOnThatHost() {
        ThresholdRule rule = rule(Metric.VM_CPU, new Scope(Scope.Kind.HOST, "h2"), 10, Duration.ZERO);
        values.putAll(Map.of("web", 80.0, "db", 80.0));

        assertThat(ThresholdEvaluator.evaluate(room, List.of(rule), readings, Map.of(), T0).changes())
                .extracting(ThresholdEvaluator.Change::subjectId).containsExactly("db");
    }

    @Test
    void aSubjectWithoutAReadingDoesNotHoldAndOneThatLeftTheRoomIsCleared() {
        ThresholdRule rule = rule(Metric.VM_CPU, Scope.ALL, 10, Duration.ZERO);
        Map<ThresholdEvaluator.Key, ThresholdWatch> watches = Map.of(
                new ThresholdEvaluator.Key("r1", "gone"), ThresholdWatch.firing(T0),
                new ThresholdEvaluator.Key("r1", "web"), ThresholdWatch.firing(T0));

        var outcome = ThresholdEvaluator.evaluate(room, List.of(rule), readings, watches, T0.plusSeconds(10));

        assertThat(outcome.changes()).extracting(ThresholdEvaluator.Change::subjectId, ThresholdEvaluator.Change::effect)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("web", Effect.CLEAR),
                        org.assertj.core.groups.Tuple.tuple("gone", Effect.CLEAR));
        assertThat(outcome.watches()).isEmpty();
    }
}
