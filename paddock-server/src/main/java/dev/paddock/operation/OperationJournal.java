package dev.paddock.operation;

import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.Page;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable record of operations: each one and its steps, with the step's serialized form, state,
 * timestamps and log. Every write is its own committed transaction, so what the journal says is what a
 * restarted server will read.
 */
public interface OperationJournal {

    /**
     * An operation as the runner needs it: the view, the steps themselves, the step that undoes each one
     * (journaled when it started; empty when it has none or has not started) and the cancel flag.
     */
    public record Entry(OperationView view, List<Step> steps, List<Optional<Step>> undos, boolean cancelRequested) {
        public StepState stepState(int index) {
            return view.steps().get(index).state();
        }
    }

    /** Writes the operation and all its steps, PENDING, in one transaction; returns its id. */
    String create(OperationPlan plan, Instant now);

    Optional<Entry> entry(String id);

    Optional<OperationView> view(String id);

    /** Newest first. */
    Page<OperationView> list(int offset, int limit);

    /** The ids of the operations that are not final, oldest first: what a restart must finish. */
    List<String> unfinished();

    /** How many operations are in each state; every state is present, with zero when none is in it. */
    Map<OperationState, Long> countByState();

    boolean cancelRequested(String id);

    /** Sets the cancel flag of an operation that is not final; false when it is final or unknown. */
    boolean requestCancel(String id, Instant now);

    /** Moves the operation to {@code state}, keeping {@code error} when there is one. */
    void setState(String id, OperationState state, Optional<String> error, Instant now);

    /** Marks a step RUNNING, with the step that would undo it, before it acts. */
    void startStep(String id, int index, Optional<Step> undo, Instant now);

    /** Records a step's new state and appends to its log; RUNNING stamps the start, a final state the end. */
    void setStep(String id, int index, StepState state, String logLine, Instant now);
}
