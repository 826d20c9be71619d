package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.MachineReassignment;
import dev.paddock.placement.roadef.RoadefFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoadefFilesTest {

    /** One resource, two machines, one service, two processes: the smallest model the format allows here. */
    private static final String MODEL = """
            1 0 1
            2
            0 0 10 8 0 1
            0 0 10 8 1 0
            1 1 0
            2
            0 3 1
            0 4 1
            0
            1 10 100
            """;

    @Test
    void aWrittenSolutionReadsBackTheSame(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.txt"), MODEL);
        MachineReassignment instance = RoadefFiles.readModel(dir.resolve("model.txt"));
        Assignment solution = Assignment.of(1, 0);

        RoadefFiles.writeAssignment(dir.resolve("solution.txt"), solution);

        assertThat(RoadefFiles.readAssignment(dir.resolve("solution.txt"), instance)).isEqualTo(solution);
    }

    @Test
    void aMissingFileIsAUserError(@TempDir Path dir) {
        assertThatThrownBy(() -> RoadefFiles.readModel(dir.resolve("nope.txt")))
                .isInstanceOf(RoadefFormatException.class)
                .hasMessage(dir.resolve("nope.txt") + ": no such file");
    }
}
