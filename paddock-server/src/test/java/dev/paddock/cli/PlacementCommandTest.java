package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.MachineReassignment;
import dev.paddock.placement.roadef.RoadefChecker;
import dev.paddock.placement.roadef.RoadefScorer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int paddock(String... args) {
        return Cli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
    }

    /** Set A of the challenge, found by walking up from the working directory to the repository's data/. */
    static Path setA() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("data/roadef2012/A");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("data/roadef2012/A not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void solveWritesAFeasibleSolutionCheaperThanTheOriginalAssignment() {
        Path model = setA().resolve("model_a1_1.txt");
        Path original = setA().resolve("assignment_a1_1.txt");
        Path solution = dir.resolve("solution.txt");

        assertThat(paddock("placement", "solve", model.toString(), original.toString(), "--seconds", "2",
                "--out", solution.toString())).isZero();

        MachineReassignment instance = RoadefFiles.readModel(model);
        Assignment initial = RoadefFiles.readAssignment(original, instance);
        Assignment solved = RoadefFiles.readAssignment(solution, instance);
        assertThat(RoadefChecker.check(instance, initial, solved)).isEmpty();
        assertThat(RoadefScorer.score(instance, initial, solved).total())
                .isLessThan(RoadefScorer.score(instance, initial, initial).total());
        assertThat(out.toString()).contains("solution written to " + solution);
    }

    @Test
    void aMissingModelIsOneSentenceAndExitCodeRejected() {
        assertThat(paddock("placement", "solve", dir.resolve("nope.txt").toString(), "x.txt", "--seconds", "1"))
                .isEqualTo(ExitCode.REJECTED.code());
        assertThat(err.toString().strip()).startsWith("paddock: ").contains("no such file").doesNotContain("Exception");
    }

    @Test
    void anAbsurdBudgetIsAUsageError() {
        assertThat(paddock("placement", "solve", "m.txt", "a.txt", "--seconds", "0")).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("--seconds must be between 1 and 86400");
    }
}
