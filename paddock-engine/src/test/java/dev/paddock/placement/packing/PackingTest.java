package dev.paddock.placement.packing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.Resources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackingTest {
    private static final Resources HOST = Resources.of(64_000, 262_144, 4_000, 20_000);

    @ParameterizedTest(name = "seed {0}: a perfect packing fills its bins exactly, so its volume bound is its optimum")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void perfectPackingsFillTheirBinsExactly(long seed) {
        PackingProblem problem = PerfectPacking.generate(1_000, 120, HOST, seed);

        assertThat(problem.items()).hasSize(1_000);
        assertThat(problem.optimum()).isEqualTo(120);
        assertThat(problem.lowerBound()).isEqualTo(120);
        Resources total = problem.items().stream().reduce(Resources.ZERO, Resources::plus);
        assertThat(total).isEqualTo(Resources.of(64_000L * 120, 262_144L * 120, 4_000L * 120, 20_000L * 120));
    }

    @Test
    void theSameSeedGivesTheSameInstance() {
        assertThat(PerfectPacking.generate(300, 50, HOST, 9)).isEqualTo(PerfectPacking.generate(300, 50, HOST, 9));
    }

    @ParameterizedTest(name = "{0} returns a valid packing no better than the optimum")
    @ValueSource(strings = {"FIRST_FIT", "BEST_FIT"})
    void greedyPackingsAreValid(String rule) {
        PackingProblem problem = PerfectPacking.generate(2_000, 250, HOST, 11);

        Packing packing = FitDecreasing.valueOf(rule).pack(problem);

        assertThat(packing.isValidFor(problem)).isTrue();
        assertThat(packing.bins()).isGreaterThanOrEqualTo(problem.optimum());
    }

    @Test
    void firstFitDecreasingOnAHandMadeCase() {
        Resources bin = Resources.of(10, 10, 0, 0);
        PackingProblem problem = new PackingProblem(bin,
                List.of(Resources.of(6, 1, 0, 0), Resources.of(5, 5, 0, 0), Resources.of(4, 4, 0, 0),
                        Resources.of(1, 9, 0, 0)), 0);

        Packing packing = FitDecreasing.FIRST_FIT.pack(problem);

        // sizes 1.0 (5,5), 1.0 (1,9), 0.8 (4,4), 0.7 (6,1), ties by index: (5,5) opens bin 0, (1,9) does not
        // fit beside it and opens bin 1, (4,4) fills bin 0 to (9,9), (6,1) fits only in bin 1.
        assertThat(packing.bins()).isEqualTo(2);
        assertThat(packing.binOf(1)).isZero();
        assertThat(packing.binOf(3)).isEqualTo(1);
        assertThat(packing.binOf(2)).isZero();
        assertThat(packing.binOf(0)).isEqualTo(1);
    }

    @Test
    void anItemLargerThanABinIsRefused() {
        assertThatThrownBy(() -> new PackingProblem(Resources.of(1, 1, 1, 1), List.of(Resources.of(2, 1, 1, 1)), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void poolSearchNeverMakesAPackingWorseOrInvalid() {
        PackingProblem problem = PerfectPacking.generate(1_000, 125, HOST, 21);
        Packing start = FitDecreasing.FIRST_FIT.pack(problem);

        Packing improved = PoolSearch.improve(problem, start, Duration.ofMinutes(1), System::nanoTime, 5, 300);

        assertThat(improved.isValidFor(problem)).isTrue();
        assertThat(improved.bins()).isBetween(problem.optimum(), start.bins());
    }

    @Test
    void poolSearchSavesThreeOfTheFourBinsFirstFitWastesOnAPerfectPacking() {
        PackingProblem problem = PerfectPacking.generate(400, 50, HOST, 22);
        Packing start = FitDecreasing.FIRST_FIT.pack(problem);

        Packing improved = PoolSearch.improve(problem, start, Duration.ofMinutes(1), System::nanoTime, 5, 1_500);

        assertThat(start.bins()).isEqualTo(54);
        assertThat(improved.isValidFor(problem)).isTrue();
        assertThat(improved.bins()).isLessThanOrEqualTo(51);
    }

    @Test
    void withAMoveBudgetTheSameSeedGivesTheSamePacking() {
        PackingProblem problem = PerfectPacking.generate(400, 50, HOST, 23);
        Packing start = FitDecreasing.BEST_FIT.pack(problem);

        Packing first = PoolSearch.improve(problem, start, Duration.ofMinutes(1), System::nanoTime, 7, 500);
        Packing second = PoolSearch.improve(problem, start, Duration.ofMinutes(1), System::nanoTime, 7, 500);

        for (int i = 0; i < problem.items().size(); i++) {
            assertThat(second.binOf(i)).as("bin of item %d", i).isEqualTo(first.binOf(i));
        }
    }

    @Test
    void poolSearchDoesNotSearchWhenThePackingIsAtTheVolumeBound() {
        Resources bin = Resources.of(10, 10, 10, 10);
        PackingProblem problem = new PackingProblem(bin, java.util.Collections.nCopies(8, Resources.of(5, 5, 5, 5)), 4);
        Packing start = FitDecreasing.FIRST_FIT.pack(problem);

        long started = System.nanoTime();
        Packing improved = PoolSearch.improve(problem, start, Duration.ofMinutes(5), System::nanoTime, 1,
                Long.MAX_VALUE);

        assertThat(start.bins()).isEqualTo(4);
        assertThat(improved.bins()).isEqualTo(4);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void poolSearchReachesTheVolumeBoundWhereFirstFitMissesIt() {
        // first fit decreasing puts 4+4 together, then 3+3+3, and the last 3 opens a third bin; 4+3+3 twice is two
        Resources bin = Resources.of(10, 10, 0, 0);
        Resources four = Resources.of(4, 4, 0, 0);
        Resources three = Resources.of(3, 3, 0, 0);
        PackingProblem problem = new PackingProblem(bin, List.of(four, four, three, three, three, three), 2);
        Packing start = FitDecreasing.FIRST_FIT.pack(problem);

        Packing improved = PoolSearch.improve(problem, start, Duration.ofMinutes(1), System::nanoTime, 1, 10_000);

        assertThat(start.bins()).isEqualTo(3);
        assertThat(improved.isValidFor(problem)).isTrue();
        assertThat(improved.bins()).isEqualTo(problem.lowerBound()).isEqualTo(2);
    }

    @Test
    void twoHalfFullBinsBecomeOne() {
        Resources bin = Resources.of(10, 10, 10, 10);
        PackingProblem problem = new PackingProblem(bin, List.of(Resources.of(5, 5, 5, 5), Resources.of(5, 5, 5, 5)), 1);

        Packing improved = PoolSearch.improve(problem, new Packing(new int[] {0, 1}), Duration.ofMinutes(1),
                System::nanoTime, 1, 100);

        assertThat(improved.bins()).isEqualTo(1);
        assertThat(improved.isValidFor(problem)).isTrue();
    }
}
