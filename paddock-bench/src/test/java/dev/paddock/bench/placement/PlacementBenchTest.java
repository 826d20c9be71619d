package dev.paddock.bench.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.cli.RoadefFiles;
import dev.paddock.json.Json;
import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.MachineReassignment;
import dev.paddock.placement.roadef.RoadefChecker;
import dev.paddock.placement.roadef.RoadefScorer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void eachSolutionIsWrittenInTheChallengesFormatWithTheCostTheResultsGive(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("placement.json");
        String[] args = {"--seconds", "1", "--instances", "a1_1", "--no-timefold", "--out", out.toString()};
        PlacementBench.Settings settings = PlacementBench.parse(args);

        PlacementBench.main(args);

        MachineReassignment instance = RoadefFiles.readModel(settings.data().resolve("model_a1_1.txt"));
        Assignment initial = RoadefFiles.readAssignment(settings.data().resolve("assignment_a1_1.txt"), instance);
        Assignment written = RoadefFiles.readAssignment(PlacementBench.solutionFile(settings, "a1_1"), instance);
        long reported = Json.mapper().readTree(out.toFile()).at("/metrics/instances/0/ours").asLong();
        assertThat(RoadefChecker.check(instance, initial, written)).isEmpty();
        assertThat(RoadefScorer.score(instance, initial, written).total()).isEqualTo(reported);
    }

    @Test
    void eachRowGivesOurRatioToTheBestKnownToTheChallengesBestAndToItsWinnerAt300Seconds(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("placement.json");

        PlacementBench.main(new String[] {"--seconds", "1", "--instances", "a2_2", "--no-timefold", "--out",
                out.toString()});

        var row = Json.mapper().readTree(out.toFile()).at("/metrics/instances/0");
        double ours = row.get("ours").asDouble();
        assertThat(row.get("challenge_winner_at_300_s").asLong()).isEqualTo(746_097_632L);
        assertThat(row.get("ours_over_challenge_winner_at_300_s").asDouble()).isEqualTo(ours / 746_097_632L);
        assertThat(row.get("ours_over_challenge_qualification_best").asDouble()).isEqualTo(ours / 816_523_983L);
        assertThat(row.get("ours_over_best_known").asDouble()).isEqualTo(ours / 720_671_511L);
    }

    @Test
    void anUnknownInstanceIsAUserError() {
        assertThatThrownBy(() -> PlacementBench.parse(new String[] {"--instances", "b_1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no set A instance named b_1");
    }
}
