package dev.paddock.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperationStateMachineTest {

    /** Every cell of the table: a state, an event, and the next state or "illegal". */
    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
        "PENDING,     START,     RUNNING",
        "PENDING,     SUCCEED,   illegal",
        "PENDING,     FAIL,      illegal",
        "PENDING,     CANCEL,    CANCELLED",
        "PENDING,     ROLL_BACK, illegal",
        "RUNNING,     START,     illegal",
        "RUNNING,     SUCCEED,   DONE",
        "RUNNING,     FAIL,      FAILED",
        "RUNNING,     CANCEL,    CANCELLED",
        "RUNNING,     ROLL_BACK, ROLLED_BACK",
        "DONE,        START,     illegal",
        "DONE,        SUCCEED,   illegal",
        "DONE,        FAIL,      illegal",
        "DONE,        CANCEL,    illegal",
        "DONE,        ROLL_BACK, illegal",
        "FAILED,      START,     illegal",
        "FAILED,      SUCCEED,   illegal",
        "FAILED,      FAIL,      illegal",
        "FAILED,      CANCEL,    illegal",
        "FAILED,      ROLL_BACK, illegal",
        "CANCELLED,   START,     illegal",
        "CANCELLED,   SUCCEED,   illegal",
        "CANCELLED,   FAIL,      illegal",
        "CANCELLED,   CANCEL,    illegal",
        "CANCELLED,   ROLL_BACK, illegal",
        "ROLLED_BACK, START,     illegal",
        "ROLLED_BACK, SUCCEED,   illegal",
        "ROLLED_BACK, FAIL,      illegal",
        "ROLLED_BACK, CANCEL,    illegal",
        "ROLLED_BACK, ROLL_BACK, illegal",
    })
    void eachStateAndEventHasOneOutcome(OperationState from, OperationEvent event, String expected) {
        if (expected.equals("illegal")) {
            assertThatThrownBy(() -> OperationStateMachine.next(from, event))
                    .isInstanceOf(IllegalTransitionException.class)
                    .hasMessage("an operation in state " + from + " cannot take event " + event);
        } else {
            assertThat(OperationStateMachine.next(from, event)).isEqualTo(OperationState.valueOf(expected));
        }
    }

    @Test
    void aNewStateOrEventMustBeAddedToTheTable() {
        assertThat(OperationState.values().length * OperationEvent.values().length).isEqualTo(30);
    }

    @Test
    void everyFinalStateIsReachedByTheEventThatEndsInIt() {
        Arrays.stream(OperationState.values()).filter(OperationState::isFinal).forEach(state ->
                assertThat(OperationStateMachine.next(OperationState.RUNNING, OperationEvent.endingIn(state)))
                        .isEqualTo(state));
    }

    @Test
    void noEventEndsInAStateThatIsNotFinal() {
        assertThatThrownBy(() -> OperationEvent.endingIn(OperationState.RUNNING))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
