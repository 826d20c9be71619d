package dev.paddock.placement.roadef;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReassignmentSolverTest {

    /** A clock that stands still: with a move budget, a run is then a function of its seed alone. */
    private static final LongSupplier STILL = () -> 0L;

    /** Runs the searches in turn on the calling thread: each keeps its own seed, so the result is the same. */
    private static ReassignmentSolver.Solution solve(MachineReassignment instance, Assignment initial,
            ReassignmentSolver.Options options) {
        return ReassignmentSolver.solve(instance, initial, options, STILL, Runnable::run);
    }

    /** One thread's search, bounded by 100,000 moves. */
    private static ReassignmentSolver.Solution oneSearch(MachineReassignment instance, Assignment initial, long seed,
            boolean restarting) {
        return ReassignmentSolver.search(instance, initial, movesOnly(100_000, seed), STILL, seed, restarting);
    }

    private static ReassignmentSolver.Options movesOnly(long moves, long seed) {
        return new ReassignmentSolver.Options(Duration.ofMinutes(5), seed, 1, moves);
    }

    @ParameterizedTest(name = "on {0} the solution is feasible, cheaper than the start, and scored exactly")
    @ValueSource(strings = {"a1_1", "a1_2", "a2_1"})
    void findsAFeasibleCheaperAssignment(String name) {
        MachineReassignment instance = SetA.readModel(name);
        Assignment initial = SetA.readAssignment(name, instance);

        ReassignmentSolver.Solution solution = solve(instance, initial, movesOnly(300_000, 7));

        assertThat(RoadefChecker.check(instance, initial, solution.assignment())).isEmpty();
        assertThat(solution.cost()).isEqualTo(RoadefScorer.score(instance, initial, solution.assignment()));
        assertThat(solution.cost().total()).isLessThan(RoadefScorer.score(instance, initial, initial).total());
    }

    @Test
    void comesWithinOneHundredthOfAPercentOfTheProvenOptimumOfA1_1() {
        MachineReassignment instance = SetA.readModel("a1_1");
        Assignment initial = SetA.readAssignment("a1_1", instance);

        ReassignmentSolver.Solution solution = solve(instance, initial,
                movesOnly(15_000_000, 1));

        assertThat(solution.cost().total()).isBetween(BestKnown.A1_1_OPTIMUM, BestKnown.A1_1_OPTIMUM * 10_001 / 10_000);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7})
    void ejectsMoveTheProcessTooBigForItsMachineOfA2_1SoNoMachineIsOverItsSafetyCapacity(long seed) {
        MachineReassignment instance = SetA.readModel("a2_1");
        Assignment initial = SetA.readAssignment("a2_1", instance);

        ReassignmentSolver.Solution solution = solve(instance, initial,
                movesOnly(2_000_000, seed));

        assertThat(solution.cost().load()).isZero();
    }

    @Test
    void theSameSeedAndMoveBudgetGiveTheSameSolution() {
        MachineReassignment instance = SetA.readModel("a1_2");
        Assignment initial = SetA.readAssignment("a1_2", instance);

        ReassignmentSolver.Solution first = solve(instance, initial, movesOnly(200_000, 42));
        ReassignmentSolver.Solution second = solve(instance, initial, movesOnly(200_000, 42));

        assertThat(second.assignment()).isEqualTo(first.assignment());
    }

    @Test
    void twoThreadsReturnTheBetterOfAPatientAndARestartingSearch() {
        MachineReassignment instance = SetA.readModel("a1_2");
        Assignment initial = SetA.readAssignment("a1_2", instance);

        ReassignmentSolver.Solution both = solve(instance, initial,
                new ReassignmentSolver.Options(Duration.ofMinutes(5), 3, 2, 100_000));
        long patient = oneSearch(instance, initial, 3, false).cost().total();
        long restarting = oneSearch(instance, initial, 4, true).cost().total();

        assertThat(both.cost().total()).isEqualTo(Math.min(patient, restarting));
    }

    @Test
    void aRestartingSearchStartsAgainWhenItStagnatesAndKeepsItsOverallBest() {
        MachineReassignment instance = SetA.readModel("a1_2");
        Assignment initial = SetA.readAssignment("a1_2", instance);

        ReassignmentSolver.Solution patient = oneSearch(instance, initial, 4, false);
        ReassignmentSolver.Solution restarting = oneSearch(instance, initial, 4, true);
        ReassignmentSolver.Solution again = oneSearch(instance, initial, 4, true);

        assertThat(restarting.assignment()).as("a restart changed the course").isNotEqualTo(patient.assignment());
        assertThat(again.assignment()).as("restarts are part of a seeded run").isEqualTo(restarting.assignment());
        assertThat(RoadefChecker.check(instance, initial, restarting.assignment())).isEmpty();
        assertThat(restarting.cost().total()).isLessThan(RoadefScorer.score(instance, initial, initial).total());
    }

    @Test
    void whereTheLoadCanVanishASearchStartsFromAShiftNoneOfWhichLowersTheCost() {
        MachineReassignment instance = SetA.readModel("a2_1");
        Assignment initial = SetA.readAssignment("a2_1", instance);

        ReassignmentSolver.Solution start = solve(instance, initial, movesOnly(0, 1));

        assertThat(ReassignmentSolver.loadCanVanish(instance)).isTrue();
        assertThat(RoadefChecker.check(instance, initial, start.assignment())).isEmpty();
        assertThat(start.cost().total()).isLessThan(RoadefScorer.score(instance, initial, initial).total());
        SearchState state = new SearchState(instance, initial.toArray(), start.assignment().toArray());
        for (int p = 0; p < instance.processes(); p++) {
            int from = state.machineOf(p);
            for (int m = 0; m < instance.machines(); m++) {
                if (m != from && state.mayMove(p, m) && state.shiftDelta(p, m) < 0) {
                    state.move(p, m);
                    assertThat(state.feasible()).as("p%d to m%d lowers the cost", p, m).isFalse();
                    state.move(p, from);
                }
            }
        }
    }

    @Test
    void whereTheLoadCannotVanishASearchStartsFromTheInitialAssignment() {
        MachineReassignment instance = SetA.readModel("a2_2");
        Assignment initial = SetA.readAssignment("a2_2", instance);

        ReassignmentSolver.Solution start = solve(instance, initial, movesOnly(0, 1));

        assertThat(ReassignmentSolver.loadCanVanish(instance)).isFalse();
        assertThat(start.assignment()).isEqualTo(initial);
    }

    @Test
    void theTinyInstanceStaysFeasible() {
        ReassignmentSolver.Solution solution = solve(TinyInstance.model(), TinyInstance.initial(),
                movesOnly(50_000, 1));

        assertThat(RoadefChecker.check(TinyInstance.model(), TinyInstance.initial(), solution.assignment()))
                .isEmpty();
    }

    @Test
    void theBudgetIsSpentOnTheCallersClock() {
        MachineReassignment instance = SetA.readModel("a1_2");
        Assignment initial = SetA.readAssignment("a1_2", instance);
        AtomicLong now = new AtomicLong();
        // Each reading of this clock is one second later: a 30 s budget lasts some 30 readings, whatever the machine.
        LongSupplier fast = () -> now.addAndGet(Duration.ofSeconds(1).toNanos());

        ReassignmentSolver.Solution solution = ReassignmentSolver.solve(instance, initial,
                ReassignmentSolver.Options.of(Duration.ofSeconds(30), 1), fast, Runnable::run);

        assertThat(solution.movesTried()).isLessThan(40L * 1024);
        assertThat(RoadefChecker.check(instance, initial, solution.assignment())).isEmpty();
    }

    @Test
    void theCallersThreadsRunThePortfolioAndGiveWhatOneThreadAfterTheOtherGives() throws Exception {
        MachineReassignment instance = SetA.readModel("a1_2");
        Assignment initial = SetA.readAssignment("a1_2", instance);
        ReassignmentSolver.Options options = new ReassignmentSolver.Options(Duration.ofMinutes(5), 5, 2, 50_000);

        ReassignmentSolver.Solution inTurn = solve(instance, initial, options);
        ReassignmentSolver.Solution sideBySide;
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            sideBySide = ReassignmentSolver.solve(instance, initial, options, STILL, threads);
        }

        assertThat(sideBySide.assignment()).isEqualTo(inTurn.assignment());
    }
}
