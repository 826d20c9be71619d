package dev.paddock.operation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An Operation as the journal holds it: what REST and the CLI show. */
public record OperationView(
        String id,
        String kind,
        String target,
        String owner,
        OperationState state,
        int stepsDone,
        int stepsTotal,
        Instant created,
        Instant updated,
        Optional<String> error,
        List<StepView> steps) {

    /** Progress between 0 and 1. */
    public double progress() {
        return stepsTotal == 0 ? 1.0 : (double) stepsDone / stepsTotal;
    }

    public record StepView(
            int index, String description, StepState state, Optional<Instant> started, Optional<Instant> finished, String log) {}
}
