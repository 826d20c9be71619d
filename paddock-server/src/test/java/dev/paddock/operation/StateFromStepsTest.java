package dev.paddock.operation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.operation.StateFromSteps.StepStatus;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StateFromStepsTest {

    /**
     * Steps are written as STATE or STATE* (the star: the step has a compensation), separated by spaces.
     */
    @ParameterizedTest(name = "{0}: [{1}], cancel requested {2} -> {3}")
    @CsvSource({
        "nothing has started,                         PENDING* PENDING*,             false, PENDING",
        "a step runs,                                 DONE* RUNNING* PENDING,        false, RUNNING",
        "some steps are done and others wait,         DONE* PENDING*,                false, RUNNING",
        "every step is done,                          DONE* DONE DONE*,              false, DONE",
        "a failed step waits for a rollback,          DONE* FAILED PENDING,          false, RUNNING",
        "a failed step with everything undone,        ROLLED_BACK FAILED SKIPPED,    false, FAILED",
        "a failed step with nothing to undo,          DONE FAILED SKIPPED,           false, FAILED",
        "a failed first step,                         FAILED SKIPPED,                false, FAILED",
        "a failed rollback,                           FAILED DONE FAILED,            true,  FAILED",
        "a cancel not yet seen by the runner,         PENDING* PENDING*,             true,  PENDING",
        "a cancel waiting for the current step,       DONE* RUNNING* PENDING,        true,  RUNNING",
        "a cancel with steps still to skip,           DONE* DONE* PENDING,           true,  RUNNING",
        "a cancel with steps still to undo,           ROLLED_BACK DONE* SKIPPED,     true,  RUNNING",
        "a cancel that undid every done step,         ROLLED_BACK ROLLED_BACK SKIPPED, true, ROLLED_BACK",
        "a cancel before anything was done,           SKIPPED SKIPPED,               true,  CANCELLED",
        "a cancel after steps without compensation,   DONE SKIPPED,                  true,  CANCELLED",
        "a cancel that came after the last step,      DONE* DONE*,                   true,  DONE",
        "a cancel that stopped the running step,      FAILED SKIPPED,                true,  CANCELLED",
        "a cancel that stopped a step and undid one,  ROLLED_BACK FAILED SKIPPED,    true,  ROLLED_BACK",
    })
    void theOperationStateFollowsFromItsSteps(String situation, String steps, boolean cancel, OperationState state) {
        assertThat(StateFromSteps.of(parse(steps), cancel)).isEqualTo(state);
    }

    private static List<StepStatus> parse(String steps) {
        return Arrays.stream(steps.trim().split("\\s+"))
                .map(s -> new StepStatus(StepState.valueOf(s.replace("*", "")), s.endsWith("*")))
                .toList();
    }
}
