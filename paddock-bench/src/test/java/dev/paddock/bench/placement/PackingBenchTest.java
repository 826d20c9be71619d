package dev.paddock.bench.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.placement.packing.FitDecreasing;
import dev.paddock.placement.packing.Packing;
import dev.paddock.placement.packing.PackingProblem;
import dev.paddock.placement.packing.PerfectPacking;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackingBenchTest {

    @Test
    void theDefaultIsSixtySecondsOnThreeSizesAgainstCpSat() {
        PackingBench.Settings settings = PackingBench.parse(new String[0]);

        assertThat(settings.budget()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.sizes()).containsExactly(1_000, 5_000, 10_000);
        assertThat(settings.cpSat()).isTrue();
    }

    @Test
    void aShortRunCanBeAskedFor() {
        PackingBench.Settings settings = PackingBench.parse(
                new String[] {"--seconds", "5", "--sizes", "1000", "--no-cp-sat", "--seed", "3"});

        assertThat(settings.budget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.sizes()).isEqualTo(List.of(1_000));
        assertThat(settings.cpSat()).isFalse();
        assertThat(settings.seed()).isEqualTo(3);
    }

    @Test
    void badOptionsAreUserErrors() {
        assertThatThrownBy(() -> PackingBench.parse(new String[] {"--sizes", "ten"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--sizes takes VM counts separated by commas, not ten");
        assertThatThrownBy(() -> PackingBench.parse(new String[] {"--seconds"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--seconds needs a value");
        assertThatThrownBy(() -> PackingBench.parse(new String[] {"--fast"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --fast");
    }

    @Test
    void cpSatSolvesASmallPerfectPackingWithTheCompleteModel() {
        PackingProblem problem = PerfectPacking.generate(24, 6, PackingBench.HOST, 3);
        Packing ffd = FitDecreasing.FIRST_FIT.pack(problem);

        CpSatPacking.Result result = CpSatPacking.solve(problem, ffd, Duration.ofSeconds(20), 2, 1, 1_000_000);

        assertThat(result).isInstanceOf(CpSatPacking.Result.Solved.class);
        CpSatPacking.Result.Solved solved = (CpSatPacking.Result.Solved) result;
        assertThat(solved.packing().isValidFor(problem)).isTrue();
        assertThat(solved.packing().bins()).isBetween(problem.optimum(), ffd.bins());
        assertThat(solved.model()).startsWith("complete: 24 items x " + ffd.bins() + " bins");
    }

    @Test
    void beyondItsBooleanBudgetCpSatOnlyLooksAroundTheHintAndSaysSo() {
        PackingProblem problem = PerfectPacking.generate(200, 25, PackingBench.HOST, 4);
        Packing ffd = FitDecreasing.FIRST_FIT.pack(problem);

        // 1,000 booleans for 200 items: five candidate bins each, the hint's and two either side
        CpSatPacking.Result result = CpSatPacking.solve(problem, ffd, Duration.ofSeconds(5), 2, 1, 1_000);

        CpSatPacking.Result.Solved solved = (CpSatPacking.Result.Solved) result;
        assertThat(solved.packing().isValidFor(problem)).isTrue();
        assertThat(solved.packing().bins()).isLessThanOrEqualTo(ffd.bins());
        assertThat(solved.model()).startsWith("window: each item only in the 5 bins around its bin");
    }
}
