package dev.paddock.drs;

import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A balancing round's answer for one cluster: the imbalance before and after, the moves that take it there (rule
 * repairs first), the moves rules blocked, and one sentence that says what was decided.
 *
 * @param hostLoads each host's CPU use, 0 to 1, before the round, in room order
 */
public record BalancePlan(String clusterId, double imbalanceBefore, double imbalanceAfter,
        Map<String, Double> hostLoads, List<BalanceMove> moves, List<BlockedMove> blocked, String summary) {

    public BalancePlan {
        hostLoads = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hostLoads));
        moves = List.copyOf(moves);
        blocked = List.copyOf(blocked);
    }

    /**
     * The moves as one operation, or nothing when nothing moves: the migrations run {@code parallel} at a time,
     * the next starting as one ends.
     */
    public Optional<OperationPlan> operation(String owner, int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("at least one migration at a time, not " + parallel);
        }
        if (moves.isEmpty()) {
            return Optional.empty();
        }
        List<Step> migrations = moves.stream()
                .<Step>map(m -> new Step.MigrateVm(m.vm().id(), m.fromHostId(), m.toHostId())).toList();
        return Optional.of(new OperationPlan("cluster.balance", clusterId, owner,
                List.of(Step.Parallel.of(migrations, parallel))));
    }
}
