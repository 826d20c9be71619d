package dev.paddock.bench.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementBenchTest {

    @Test
    void aShortRunCanBeAskedFor() {
        PlacementBench.Settings settings = PlacementBench.parse(
                new String[] {"--seconds", "5", "--instances", "a1_1,a2_1", "--no-timefold"});

        assertThat(settings.budget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.instances()).isEqualTo(List.of("a1_1", "a2_1"));
        assertThat(settings.timefold()).isFalse();
    }

    @Test
    void theDefaultIsSixtySecondsOnAllOfSetAAgainstTimefold() {
        PlacementBench.Settings settings = PlacementBench.parse(new String[0]);

        assertThat(settings.budget()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.instances()).hasSize(10);
        assertThat(settings.timefold()).isTrue();
    }

    @Test
    void anUnknownInstanceIsAUserError() {
        assertThatThrownBy(() -> PlacementBench.parse(new String[] {"--instances", "b_1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no set A instance named b_1");
    }
}
