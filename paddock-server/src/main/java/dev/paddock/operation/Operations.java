package dev.paddock.operation;

import dev.paddock.store.Page;
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

    /** Asks a running operation to stop after its current step and roll back; false when already final. */
    boolean cancel(String id);
}
