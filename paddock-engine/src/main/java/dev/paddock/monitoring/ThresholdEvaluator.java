package dev.paddock.monitoring;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Runs every threshold over the latest readings: pure, the room, the rules, the readings and the watches in, the
 * watches and the alarms to raise or clear out. A subject left out of a rule's scope (a VM deleted or moved out of
 * its cluster) or without a reading counts as one whose condition does not hold, so its alarm clears.
 */
public final class ThresholdEvaluator {

    /** Which watch: a rule and a subject. */
    public record Key(String ruleId, String subjectId) {}

    /** An alarm to raise or clear, with the sentence that says why. */
    public record Change(ThresholdRule rule, String subjectId, String subjectName, ThresholdWatch.Effect effect,
            String message) {}

    /** The watches after this round, and what changed. */
    public record Outcome(Map<Key, ThresholdWatch> watches, List<Change> changes) {}

    private ThresholdEvaluator() {}

    public static Outcome evaluate(Room room, List<ThresholdRule> rules, Readings readings,
            Map<Key, ThresholdWatch> watches, Instant now) {
        Map<Key, ThresholdWatch> next = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        for (ThresholdRule rule : rules) {
            Map<String, String> subjects = subjects(room, rule);
            for (Map.Entry<String, String> subject : subjects.entrySet()) {
                Key key = new Key(rule.id(), subject.getKey());
                OptionalDouble reading = readings.of(rule.metric(), subject.getKey());
                boolean holds = reading.isPresent() && rule.comparison().holds(reading.getAsDouble(), rule.value());
                ThresholdWatch.Move move = watches.getOrDefault(key, ThresholdWatch.CLEARED).next(holds, now,
                        rule.duration());
                keep(next, key, move.watch());
                change(rule, subject.getKey(), subject.getValue(), move.effect(), reading).ifPresent(changes::add);
            }
            // subjects that left the scope: their alarms clear
            watches.forEach((key, watch) -> {
                if (key.ruleId().equals(rule.id()) && !subjects.containsKey(key.subjectId())
                        && watch.state() == ThresholdWatch.State.FIRING) {
                    changes.add(new Change(rule, key.subjectId(), key.subjectId(), ThresholdWatch.Effect.CLEAR,
                            "cleared: " + key.subjectId() + " is no longer watched by threshold " + rule.name()));
                }
            });
        }
        return new Outcome(next, changes);
    }

    private static void keep(Map<Key, ThresholdWatch> watches, Key key, ThresholdWatch watch) {
        if (watch.state() != ThresholdWatch.State.CLEAR) {
            watches.put(key, watch);
        }
    }

    private static Optional<Change> change(ThresholdRule rule, String subjectId, String name,
            ThresholdWatch.Effect effect, OptionalDouble reading) {
        String what = rule.metric().subject().name().toLowerCase(java.util.Locale.ROOT) + " " + name;
        return switch (effect) {
            case NONE -> Optional.empty();
            case RAISE -> Optional.of(new Change(rule, subjectId, name, effect, what + ": "
                    + Readings.format(reading.orElse(0)) + " " + rule.metric().unit() + ", threshold " + rule.name()
                    + " (" + rule.condition() + ")"));
            case CLEAR -> Optional.of(new Change(rule, subjectId, name, effect, "cleared: " + what + " "
                    + (reading.isPresent() ? "at " + Readings.format(reading.getAsDouble()) + " " + rule.metric().unit()
                    : "has no reading") + ", threshold " + rule.name() + " (" + rule.condition() + ") no longer holds"));
        };
    }

    /** The subjects a rule watches, by id, with their names. */
    static Map<String, String> subjects(Room room, ThresholdRule rule) {
        Scope scope = rule.scope();
        Map<String, String> subjects = new HashMap<>();
        switch (rule.metric().subject()) {
            case HOST -> room.hosts().stream().filter(host -> inScope(room, scope, host))
                    .forEach(host -> subjects.put(host.id(), host.name()));
            case VM -> room.vms().stream().filter(vm -> inScope(room, scope, vm))
                    .forEach(vm -> subjects.put(vm.id(), vm.name()));
            case DATASTORE -> room.datastores().stream().filter(datastore -> inScope(scope, datastore))
                    .forEach(datastore -> subjects.put(datastore.id(), datastore.name()));
        }
        return subjects;
    }

    private static boolean inScope(Room room, Scope scope, Host host) {
        return switch (scope.kind()) {
            case ALL -> true;
            case SITE -> room.cluster(host.clusterId()).map(Cluster::siteId).filter(scope.id()::equals).isPresent();
            case CLUSTER -> host.clusterId().equals(scope.id());
            case HOST -> host.id().equals(scope.id());
            case VM, DATASTORE -> false;
        };
    }

    private static boolean inScope(Room room, Scope scope, Vm vm) {
        return switch (scope.kind()) {
            case ALL -> true;
            case SITE -> room.cluster(vm.clusterId()).map(Cluster::siteId).filter(scope.id()::equals).isPresent();
            case CLUSTER -> vm.clusterId().equals(scope.id());
            case HOST -> vm.hostId().filter(scope.id()::equals).isPresent();
            case VM -> vm.id().equals(scope.id());
            case DATASTORE -> false;
        };
    }

    private static boolean inScope(Scope scope, Datastore datastore) {
        return switch (scope.kind()) {
            case ALL -> true;
            case SITE -> datastore.siteId().equals(scope.id());
            case CLUSTER, HOST, VM -> false;
            case DATASTORE -> datastore.id().equals(scope.id());
        };
    }
}
