package dev.paddock.operation;

import dev.paddock.operation.plan.OperationPlan;

import dev.paddock.store.Page;
import java.util.EnumMap;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Optional;

/**
 * Submits and follows Operations. The plan is persisted before the first step runs, and each step's
 * state before and after it acts, so a server that dies mid-operation finishes it on restart.
 */
public interface Operations {

    /** Journals the plan and schedules it; returns at once with the operation in PENDING or RUNNING. */
    OperationView submit(OperationPlan plan);

    Optional<OperationView> get(String id);

    /** Newest first. */
    Page<OperationView> list(int offset, int limit);

    /**
     * Calls {@code listener} with an operation's id once it has reached a final state, on the thread that ran it:
     * what holds something for an operation (the placement ledger's claims) lets go then.
     */
    void onFinished(Consumer<String> listener);

    /** The plans of the operations not yet final, by id, oldest first: what a restarted server resumes. */
    Map<String, OperationPlan> unfinishedPlans();

    /** Asks a running operation to stop after its current step and roll back; false when already final. */
    boolean cancel(String id);

    /**
     * How far the operation is, between 0 and 1: its steps done, and the part done of those running when they
     * report it (a live migration's memory copied); by default the steps done only.
     */
    default double progress(OperationView view) {
        return view.progress();
    }

    /**
     * How many operations are in each state, every state present: for metrics. The default pages through
     * {@link #list}; a journal can answer it with one query instead.
     */
    default Map<OperationState, Long> countByState() {
        Map<OperationState, Long> counts = new EnumMap<>(OperationState.class);
        for (OperationState state : OperationState.values()) {
            counts.put(state, 0L);
        }
        int pageSize = 1000;
        for (int offset = 0; ; offset += pageSize) {
            Page<OperationView> page = list(offset, pageSize);
            page.items().forEach(view -> counts.merge(view.state(), 1L, Long::sum));
            if (page.items().size() < pageSize) {
                return counts;
            }
        }
    }
}
