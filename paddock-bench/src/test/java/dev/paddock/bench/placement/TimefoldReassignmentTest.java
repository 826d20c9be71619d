package dev.paddock.bench.placement;

import static org.assertj.core.api.Assertions.assertThat;

import ai.timefold.solver.core.api.score.HardSoftScore;
import dev.paddock.cli.RoadefFiles;
import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.MachineReassignment;
import dev.paddock.placement.roadef.RoadefChecker;
import dev.paddock.placement.roadef.RoadefScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimefoldReassignmentTest {

    @ParameterizedTest(name = "Timefold's model scores the original assignment of {0} as its original_cost, hard 0")
    @ValueSource(strings = {"a1_1", "a1_2", "a1_4", "a2_1", "a2_4"})
    void theModelScoresLikeTheChallenge(String name) throws Exception {
        Path dir = PlacementBench.setA(null);
        MachineReassignment instance = RoadefFiles.readModel(dir.resolve("model_" + name + ".txt"));
        Assignment initial = RoadefFiles.readAssignment(dir.resolve("assignment_" + name + ".txt"), instance);
        long original = Long.parseLong(Files.readString(dir.resolve("original_cost_" + name + ".txt")).trim());

        assertThat(TimefoldReassignment.score(instance, initial, initial)).isEqualTo(HardSoftScore.of(0, -original));
    }

    @Test
    void aMovedAssignmentScoresLikeOurScorerAndTheTransientRuleIsHard() {
        Path dir = PlacementBench.setA(null);
        MachineReassignment instance = RoadefFiles.readModel(dir.resolve("model_a1_4.txt"));
        Assignment initial = RoadefFiles.readAssignment(dir.resolve("assignment_a1_4.txt"), instance);
        Assignment moved = initial;
        for (int p = 0; p < 40; p++) {
            moved = moved.with(p * 7, (initial.machineOf(p * 7) + 1 + p) % instance.machines());
        }

        HardSoftScore score = TimefoldReassignment.score(instance, initial, moved);

        assertThat(score.softScore()).isEqualTo(-RoadefScorer.score(instance, initial, moved).total());
        assertThat(score.hardScore() == 0).isEqualTo(RoadefChecker.check(instance, initial, moved).isEmpty());
    }

    @Test
    void aShortRunReturnsAFeasibleAssignmentNoWorseThanTheStart() {
        Path dir = PlacementBench.setA(null);
        MachineReassignment instance = RoadefFiles.readModel(dir.resolve("model_a1_1.txt"));
        Assignment initial = RoadefFiles.readAssignment(dir.resolve("assignment_a1_1.txt"), instance);

        Assignment solved = TimefoldReassignment.solve(instance, initial, Duration.ofSeconds(2), 1);

        assertThat(RoadefChecker.check(instance, initial, solved)).isEmpty();
        assertThat(RoadefScorer.score(instance, initial, solved).total())
                .isLessThanOrEqualTo(RoadefScorer.score(instance, initial, initial).total());
    }
}
