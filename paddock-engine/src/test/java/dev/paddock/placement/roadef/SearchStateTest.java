package dev.paddock.placement.roadef;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchStateTest {

    @ParameterizedTest(name = "on {0} the incremental sums match a full rescoring after any sequence of moves")
    @ValueSource(strings = {"a1_1", "a1_4", "a1_5", "a2_1", "a2_4"})
    void incrementalCostAndFeasibilityMatchTheReference(String name) {
        MachineReassignment instance = SetA.readModel(name);
        Assignment initial = SetA.readAssignment(name, instance);
        SearchState state = new SearchState(instance, initial.toArray(), initial.toArray());
        SplittableRandom random = new SplittableRandom(name.hashCode());

        for (int round = 0; round < 30; round++) {
            int moves = 1 + random.nextInt(round < 10 ? 3 : 200);
            for (int i = 0; i < moves; i++) {
                state.move(random.nextInt(instance.processes()), random.nextInt(instance.machines()));
            }
            Assignment now = Assignment.of(state.assignment());
            assertThat(state.cost()).isEqualTo(RoadefScorer.score(instance, initial, now));
            assertThat(state.feasible()).isEqualTo(RoadefChecker.check(instance, initial, now).isEmpty());
        }
    }

    @ParameterizedTest(name = "on {0} moving every process back home restores the original cost and feasibility")
    @ValueSource(strings = {"a1_4", "a2_4"})
    void movingBackRestoresTheStart(String name) {
        MachineReassignment instance = SetA.readModel(name);
        Assignment initial = SetA.readAssignment(name, instance);
        SearchState state = new SearchState(instance, initial.toArray(), initial.toArray());
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            state.move(random.nextInt(instance.processes()), random.nextInt(instance.machines()));
        }

        for (int p = 0; p < instance.processes(); p++) {
            state.move(p, initial.machineOf(p));
        }

        assertThat(state.cost()).isEqualTo(RoadefScorer.score(instance, initial, initial));
        assertThat(state.feasible()).isTrue();
    }

    @ParameterizedTest(name = "on {0} the cost change of a shift or a swap is known exactly before it is made")
    @ValueSource(strings = {"a1_1", "a1_4", "a2_1", "a2_4", "a2_5"})
    void shiftAndSwapDeltasMatchTheMoveMade(String name) {
        MachineReassignment instance = SetA.readModel(name);
        Assignment initial = SetA.readAssignment(name, instance);
        SearchState state = new SearchState(instance, initial.toArray(), initial.toArray());
        SplittableRandom random = new SplittableRandom(name.hashCode());

        for (int i = 0; i < 20_000; i++) {
            int p1 = random.nextInt(instance.processes());
            int p2 = random.nextInt(instance.processes());
            long before = state.total();
            if (random.nextBoolean() || state.machineOf(p1) == state.machineOf(p2)
                    || instance.serviceOf(p1) == instance.serviceOf(p2)) {
                int to = random.nextInt(instance.machines());
                long delta = state.shiftDelta(p1, to);
                state.move(p1, to);
                assertThat(state.total() - before).isEqualTo(delta);
            } else {
                long delta = state.swapDelta(p1, p2);
                int m1 = state.machineOf(p1);
                state.move(p1, state.machineOf(p2));
                state.move(p2, m1);
                assertThat(state.total() - before).isEqualTo(delta);
            }
        }
    }

    @ParameterizedTest(name = "on {0} two processes of one service trade places with an exact cost change and no conflict, spread or dependency broken")
    @ValueSource(strings = {"a1_4", "a2_4", "a2_5"})
    void siblingsTradePlacesExactlyAndKeepTheServiceConstraints(String name) {
        MachineReassignment instance = SetA.readModel(name);
        Assignment initial = SetA.readAssignment(name, instance);
        SearchState state = new SearchState(instance, initial.toArray(), initial.toArray());
        SplittableRandom random = new SplittableRandom(name.hashCode());
        int swaps = 0;

        for (int i = 0; i < 20_000; i++) {
            int p1 = random.nextInt(instance.processes());
            int[] siblings = instance.processesOf[instance.serviceOf(p1)];
            int p2 = siblings[random.nextInt(siblings.length)];
            int m1 = state.machineOf(p1);
            int m2 = state.machineOf(p2);
            if (m1 == m2 || !state.maySwap(p1, p2)) {
                continue;
            }
            long before = state.total();
            long delta = state.swapDelta(p1, p2);
            state.move(p1, m2);
            state.move(p2, m1);
            swaps++;
            assertThat(state.total() - before).isEqualTo(delta);
        }

        assertThat(swaps).as("sibling swaps made").isGreaterThan(1_000);
        Assignment now = Assignment.of(state.assignment());
        assertThat(state.cost()).isEqualTo(RoadefScorer.score(instance, initial, now));
        assertThat(RoadefChecker.check(instance, initial, now))
                .noneMatch(v -> v instanceof Violation.Conflict || v instanceof Violation.Spread
                        || v instanceof Violation.Dependency);
    }
}
