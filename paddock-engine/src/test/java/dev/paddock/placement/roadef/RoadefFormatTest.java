package dev.paddock.placement.roadef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoadefFormatTest {

    @Test
    void readsEverySectionOfTheModel() {
        MachineReassignment instance = TinyInstance.model();

        assertThat(instance.resources()).isEqualTo(2);
        assertThat(instance.isTransient(0)).isTrue();
        assertThat(instance.machines()).isEqualTo(4);
        assertThat(instance.safetyCapacity(3, 1)).isEqualTo(4);
        assertThat(instance.machineMoveCost(0, 3)).isEqualTo(3);
        assertThat(instance.spreadMin(0)).isEqualTo(2);
        assertThat(instance.dependencies(1)).containsExactly(0);
        assertThat(instance.processes()).isEqualTo(4);
        assertThat(instance.requirement(3, 0)).isEqualTo(4);
        assertThat(instance.balances()).containsExactly(new MachineReassignment.Balance(0, 1, 2, 1));
        assertThat(instance.machineMoveWeight()).isEqualTo(100);
    }

    @Test
    void aWrittenSolutionReadsBackTheSame() {
        Assignment solution = Assignment.of(3, 1, 0, 2);

        String text = RoadefFormat.formatAssignment(solution);

        assertThat(RoadefFormat.parseAssignment(text, "solution.txt", TinyInstance.model())).isEqualTo(solution);
    }

    @Test
    void aMachineOutOfRangeIsNamed() {
        assertThatThrownBy(() -> RoadefFormat.parseAssignment("0 1 4 2", "a.txt", TinyInstance.model()))
                .isInstanceOf(RoadefFormatException.class)
                .hasMessage("a.txt: value 3 (machine of process 2) is 4, must be below 4");
    }

    @Test
    void aTruncatedModelSaysWhatIsMissing() {
        String truncated = TinyInstance.MODEL.substring(0, TinyInstance.MODEL.indexOf("1 10 100"));

        assertThatThrownBy(() -> RoadefFormat.parseModel(truncated, "m.txt"))
                .isInstanceOf(RoadefFormatException.class)
                .hasMessage("m.txt: ended before the process move weight");
    }
}
