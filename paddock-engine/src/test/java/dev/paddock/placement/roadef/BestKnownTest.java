package dev.paddock.placement.roadef;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BestKnownTest {

    static java.util.stream.Stream<String> instances() {
        return SetA.names();
    }

    @ParameterizedTest
    @MethodSource("instances")
    void every_best_known_value_lies_between_the_lower_bound_and_the_original_cost(String name) throws IOException {
        long lowerBound = Long.parseLong(Files.readString(SetA.directory().resolve("lb_" + name + ".txt")).trim());

        assertThat(BestKnown.SET_A.get(name)).isBetween(lowerBound, SetA.originalCost(name));
        assertThat(BestKnown.QUALIFICATION_BEST.get(name)).isBetween(lowerBound, SetA.originalCost(name));
        assertThat(BestKnown.WINNER_300_S.get(name)).isBetween(lowerBound, SetA.originalCost(name));
    }

    @ParameterizedTest
    @MethodSource("instances")
    void the_best_known_values_are_never_worse_than_the_challenges_own_results(String name) {
        assertThat(BestKnown.SET_A.get(name)).isLessThanOrEqualTo(BestKnown.QUALIFICATION_BEST.get(name));
        assertThat(BestKnown.SET_A.get(name)).isLessThanOrEqualTo(BestKnown.WINNER_300_S.get(name));
    }
}
