package dev.paddock.scheduling;

import dev.paddock.model.Room;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.placement.Claims;
import dev.paddock.store.InventoryStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room every in-flight operation has taken, and the one door through which a placement decision is made and
 * submitted: read the room and the claims, decide, submit, claim, all under one lock, so two decisions never take
 * the same room twice (OpenStack Placement's allocation claims). A claim lives as long as its operation: it is
 * dropped when the operation reaches a final state (DONE: the inventory shows the VM where it was placed; FAILED,
 * ROLLED_BACK, CANCELLED: the room is free again). A restarted server rebuilds the claims from the plans of the
 * operations it resumes, so a resumed operation keeps its room.
 *
 * <p>One lock for every cluster: a decision is a room read, a pure placement and a journal insert, milliseconds;
 * a lock per cluster would buy little and a migration or evacuation could span two.
 */
public final class PlacementLedger {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementLedger.class);

    private final InventoryStore store;
    private final Operations operations;
    private final Map<String, List<Claims.Claim>> byOperation = new LinkedHashMap<>();

    /** Rebuilds the claims of the operations not yet final, and lets go of each as its operation ends. */
    public PlacementLedger(InventoryStore store, Operations operations) {
        this.store = store;
        this.operations = operations;
        operations.onFinished(this::release);
        restore();
    }

    /** Claims of the unfinished operations; one that ended meanwhile (its end was heard before) is dropped. */
    private synchronized void restore() {
        Room room = store.room();
        operations.unfinishedPlans().forEach((id, plan) -> claim(id, Claims.of(id, plan, room)));
        byOperation.keySet().removeIf(id -> operations.get(id).filter(v -> !v.state().isFinal()).isEmpty());
        if (!byOperation.isEmpty()) {
            LOG.info("placement claims of {} unfinished operations restored", byOperation.size());
        }
    }

    /**
     * Decides and submits under the lock: {@code decide} gets the room and every claim held, and answers the plan
     * to submit (or nothing, or throws a refusal, which submits nothing). The plan's starts and migrations are
     * claimed for the operation it becomes.
     */
    public synchronized Optional<OperationView> submit(BiFunction<Room, Claims, Optional<OperationPlan>> decide) {
        Room room = store.room();
        Optional<OperationPlan> plan = decide.apply(room, claims());
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        OperationView view = operations.submit(plan.get());
        claim(view.id(), Claims.of(view.id(), plan.get(), room));
        // an operation may end before its claim is written (a runner that finishes at once): look again
        if (operations.get(view.id()).filter(v -> !v.state().isFinal()).isEmpty()) {
            byOperation.remove(view.id());
        }
        return Optional.of(view);
    }

    /**
     * Looks without submitting: {@code look} gets what {@link #submit}'s decision would get (the room and every
     * claim held), so a dry run answers what the request would do at this moment.
     */
    public synchronized <T> T peek(BiFunction<Room, Claims, T> look) {
        return look.apply(store.room(), claims());
    }

    /** Every claim held now. */
    public synchronized Claims claims() {
        List<Claims.Claim> all = new ArrayList<>();
        byOperation.values().forEach(all::addAll);
        return new Claims(all);
    }

    private void claim(String operationId, List<Claims.Claim> claims) {
        if (!claims.isEmpty()) {
            byOperation.put(operationId, List.copyOf(claims));
        }
    }

    private synchronized void release(String operationId) {
        byOperation.remove(operationId);
    }
}
