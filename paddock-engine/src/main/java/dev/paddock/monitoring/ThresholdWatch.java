package dev.paddock.monitoring;

import java.time.Duration;
import java.time.Instant;

/**
 * Where one threshold stands for one subject: {@link State#CLEAR}, {@link State#PENDING} (its condition holds, not
 * for long enough yet) or {@link State#FIRING} (its alarm is raised). {@link #next} is the whole state machine: an
 * alarm is raised once when the condition has held for the rule's duration, stays raised while it holds, and is
 * cleared once when it stops holding.
 *
 * @param since when the condition began to hold (PENDING) or the alarm was raised (FIRING); unused when CLEAR
 */
public record ThresholdWatch(State state, Instant since) {

    public enum State {
        CLEAR, PENDING, FIRING
    }

    /** What a move asks of the server. */
    public enum Effect {
        NONE, RAISE, CLEAR
    }

    /** A move: where the watch is now, and what to do about it. */
    public record Move(ThresholdWatch watch, Effect effect) {}

    public static final ThresholdWatch CLEARED = new ThresholdWatch(State.CLEAR, Instant.EPOCH);

    /** A watch whose alarm is raised already (found in the store after a restart). */
    public static ThresholdWatch firing(Instant since) {
        return new ThresholdWatch(State.FIRING, since);
    }

    /** The move for a reading at {@code now}: {@code holds} is whether the rule's condition holds for it. */
    public Move next(boolean holds, Instant now, Duration duration) {
        return switch (state) {
            case CLEAR -> !holds ? stay() : duration.isZero()
                    ? new Move(firing(now), Effect.RAISE) : new Move(new ThresholdWatch(State.PENDING, now), Effect.NONE);
            case PENDING -> !holds ? new Move(CLEARED, Effect.NONE) : !now.isBefore(since.plus(duration))
                    ? new Move(firing(now), Effect.RAISE) : stay();
            case FIRING -> holds ? stay() : new Move(CLEARED, Effect.CLEAR);
        };
    }

    private Move stay() {
        return new Move(this, Effect.NONE);
    }
}
