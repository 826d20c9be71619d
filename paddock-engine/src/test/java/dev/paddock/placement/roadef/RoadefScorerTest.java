package dev.paddock.placement.roadef;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoadefScorerTest {

    @ParameterizedTest(name = "the original assignment of {0} costs exactly its original_cost")
    @MethodSource("dev.paddock.placement.roadef.SetA#names")
    void originalAssignmentsScoreTheirPublishedCost(String name) throws Exception {
        MachineReassignment instance = SetA.readModel(name);
        Assignment initial = SetA.readAssignment(name, instance);

        assertThat(RoadefScorer.score(instance, initial, initial).total()).isEqualTo(SetA.originalCost(name));
    }

    @Test
    void everyPartOfTheCostIsWeightedAsTheSubjectDefinesIt() {
        MachineReassignment instance = TinyInstance.model();
        Assignment moved = TinyInstance.initial().with(0, 3);

        Cost cost = RoadefScorer.score(instance, TinyInstance.initial(), moved);

        // m3's safety capacity is 4: p0 brings 5 of r0 (weight 10) → 10.
        // target 2: Σ max(0, 2·A(r0) − A(r1)) = 8 + 1 + 6 + 1 on m0..m3, weight 1 → 16.
        // p0 moved: process move cost 1 × weight 1, one moved process in s0 × weight 10, MMC(0,3) = 3 × 100.
        assertThat(cost).isEqualTo(new Cost(10, 16, 1, 10, 300));
        assertThat(cost.total()).isEqualTo(337);
    }

    @Test
    void anUnmovedAssignmentHasNoMoveCost() {
        Cost cost = RoadefScorer.score(TinyInstance.model(), TinyInstance.initial(), TinyInstance.initial());

        assertThat(cost.processMove() + cost.serviceMove() + cost.machineMove()).isZero();
    }
}
