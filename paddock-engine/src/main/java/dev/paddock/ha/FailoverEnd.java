package dev.paddock.ha;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How the failover operation {@link HaDecider} follows ended, as its loop read it from the operations journal.
 *
 * @param outcome the operation's final state (DONE, FAILED, ROLLED_BACK, ...), or {@link #LOST} when the journal
 *     no longer knows it
 * @param error why it did not end DONE, when the journal says
 * @param steps every step of the operation, in order
 */
public record FailoverEnd(String operationId, String outcome, Optional<String> error, List<StepEnd> steps) {

    public static final String LOST = "LOST";

    public FailoverEnd {
        steps = List.copyOf(steps);
    }

    /** An operation the journal does not know any more: nothing of its steps is known. */
    public static FailoverEnd lost(String operationId) {
        return new FailoverEnd(operationId, LOST, Optional.empty(), List.of());
    }

    /** Where one step of the operation stands. */
    public enum StepResult { DONE, FAILED, NOT_ENDED }

    /**
     * One step of the operation.
     *
     * @param finished when it ended, when it did
     * @param log what the step said it did
     */
    public record StepEnd(StepResult result, Optional<Instant> finished, String log) {}
}
