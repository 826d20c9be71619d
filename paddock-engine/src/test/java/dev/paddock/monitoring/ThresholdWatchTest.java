package dev.paddock.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.monitoring.ThresholdWatch.Effect;
import dev.paddock.monitoring.ThresholdWatch.State;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of the threshold's state machine, with a clock moved by hand. */
class ThresholdWatchTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    static Stream<Arguments> cells() {
        ThresholdWatch clear = ThresholdWatch.CLEARED;
        ThresholdWatch pending = new ThresholdWatch(State.PENDING, T0);
        ThresholdWatch firing = ThresholdWatch.firing(T0);
        return Stream.of(
                Arguments.of("clear, the condition does not hold: stays clear", clear, false, 60, State.CLEAR, Effect.NONE),
                Arguments.of("clear, the condition holds: pending from now", clear, true, 60, State.PENDING, Effect.NONE),
                Arguments.of("pending, stops holding: clear, nothing was raised", pending, false, 60, State.CLEAR,
                        Effect.NONE),
                Arguments.of("pending, holds for less than the duration: still pending", pending, true, 299,
                        State.PENDING, Effect.NONE),
                Arguments.of("pending, has held for the duration: raised", pending, true, 300, State.FIRING,
                        Effect.RAISE),
                Arguments.of("firing, still holds: not raised again", firing, true, 3600, State.FIRING, Effect.NONE),
                Arguments.of("firing, stops holding: cleared", firing, false, 3600, State.CLEAR, Effect.CLEAR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void eachStateAndReadingMovesAsTheRuleSays(String name, ThresholdWatch from, boolean holds, long atSecond,
            State state, Effect effect) {
        ThresholdWatch.Move move = from.next(holds, T0.plusSeconds(atSecond), FIVE_MINUTES);

        assertThat(move.watch().state()).isEqualTo(state);
        assertThat(move.effect()).isEqualTo(effect);
    }

    @Test
    void aRuleWithoutDurationRaisesAtTheFirstReadingThatHolds() {
        assertThat(ThresholdWatch.CLEARED.next(true, T0, Duration.ZERO).effect()).isEqualTo(Effect.RAISE);
    }

    @Test
    void anAlarmIsRaisedOnceWhileTheConditionHoldsAndClearedOnceWhenItStops() {
        ThresholdWatch watch = ThresholdWatch.CLEARED;
        int raised = 0;
        int cleared = 0;
        for (int second = 0; second <= 1200; second += 10) {
            boolean holds = second >= 100 && second < 900;
            ThresholdWatch.Move move = watch.next(holds, T0.plusSeconds(second), FIVE_MINUTES);
            raised += move.effect() == Effect.RAISE ? 1 : 0;
            cleared += move.effect() == Effect.CLEAR ? 1 : 0;
            if (move.effect() == Effect.RAISE) {
                assertThat(second).as("raised 5 minutes after it began to hold").isEqualTo(400);
            }
            watch = move.watch();
        }
        assertThat(raised).isEqualTo(1);
        assertThat(cleared).isEqualTo(1);
    }
}
