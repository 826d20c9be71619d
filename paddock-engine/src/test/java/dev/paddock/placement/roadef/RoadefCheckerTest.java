package dev.paddock.placement.roadef;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoadefCheckerTest {

    @ParameterizedTest(name = "the original assignment of {0} breaks no hard constraint")
    @MethodSource("dev.paddock.placement.roadef.SetA#names")
    void originalAssignmentsAreFeasible(String name) {
        MachineReassignment instance = SetA.readModel(name);
        Assignment initial = SetA.readAssignment(name, instance);

        assertThat(RoadefChecker.check(instance, initial, initial)).isEmpty();
    }

    record Case(String sentence, Assignment solution, List<Violation> expected) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static List<Case> crafted() {
        Assignment initial = TinyInstance.initial();
        return List.of(
                new Case("p3 joining m0 puts 11 of r0 on a capacity of 10",
                        initial.with(3, 0), List.of(new Violation.Capacity(0, 0, 11, 10))),
                new Case("p1 joining p0 on m0 overloads it and puts two processes of s0 on one machine, in one location",
                        initial.with(1, 0), List.of(new Violation.Capacity(0, 0, 12, 10),
                                new Violation.Conflict(0, 0, 0, 1), new Violation.Spread(0, 1, 2))),
                new Case("p1 moving to m2 leaves s0 in location 0 only, below its spread of 2",
                        initial.with(1, 2), List.of(new Violation.Spread(0, 1, 2))),
                new Case("p2 moving to neighborhood 1 leaves s1 without s0 beside it",
                        initial.with(2, 3), List.of(new Violation.Dependency(2, 1, 0, 1))),
                new Case("swapping p0 and p3 counts p0's transient r0 on m0 until it has left: 6 + 5 > 10",
                        initial.with(0, 2).with(3, 0), List.of(new Violation.TransientUsage(0, 0, 11, 10, List.of(0)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crafted")
    void anInfeasibleSolutionIsRejectedWithTheConstraintItBreaks(Case c) {
        List<Violation> violations = RoadefChecker.check(TinyInstance.model(), TinyInstance.initial(), c.solution());

        assertThat(violations).containsExactlyInAnyOrderElementsOf(c.expected());
        assertThat(violations).extracting(Violation::constraint).isNotEmpty();
    }
}
