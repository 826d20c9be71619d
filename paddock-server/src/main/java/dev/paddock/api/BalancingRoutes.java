package dev.paddock.api;

import dev.paddock.drs.BalanceMove;
import dev.paddock.drs.BalancePlan;
import dev.paddock.drs.Balancing;
import dev.paddock.drs.BalancingPolicy;
import dev.paddock.drs.BlockedMove;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Balancing (DRS) per cluster: its policy (off, recommend, automatic; threshold and gains), the plan a round would
 * make now with each move explained and the moves rules blocked, and applying that plan as one operation.
 */
final class BalancingRoutes {

    static final int MAX_MOVES = 64;
    static final long MAX_COOL_DOWN_MINUTES = 7 * 24 * 60;

    /** A cluster's balancing: its policy and what a round would do now. */
    record ClusterBalancing(String clusterId, Policy policy, Plan plan) {}

    record Policy(String mode, double threshold, double minimumGain, double moveGain, int maxMoves,
            long coolDownMinutes) {}

    record PolicyChange(String mode, Double threshold, Double minimumGain, Double moveGain, Integer maxMoves,
            Long coolDownMinutes) {}

    /** @param hostCpu each host's CPU use, 0 to 1, by host name */
    record Plan(String summary, double imbalance, double imbalanceAfter, Map<String, Double> hostCpu,
            List<Move> moves, List<Blocked> blocked) {}

    record Move(String vmId, String vm, String from, String to, String reason, double imbalanceBefore,
            double imbalanceAfter, double copyGib, long seconds, String explanation) {}

    record Blocked(String vmId, String vm, String from, String to, String rule, String reason) {}

    private final InventoryStore store;
    private final Balancing balancing;
    private final AuditTrail audit;

    BalancingRoutes(InventoryStore store, Balancing balancing, AuditTrail audit) {
        this.store = store;
        this.balancing = balancing;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE + "/clusters/{id}/balancing";
        routes.get(base, Permission.HOST_READ, ctx -> {
            Cluster cluster = cluster(ctx);
            ctx.json(view(cluster, balancing.plan(cluster.id())));
        });
        routes.put(base, Permission.HOST_MANAGE, this::change);
        routes.expensive().post(base + "/apply", Permission.VM_MIGRATE, ctx -> {
            Cluster cluster = cluster(ctx);
            Balancing.Applied applied = balancing.apply(cluster.id(), Guard.caller(ctx).name());
            if (applied.operation().isEmpty()) {
                throw new PaddockException.Conflict("Nothing to move in cluster '" + cluster.name() + "': "
                        + applied.plan().summary() + ".");
            }
            audit.record(ctx, "cluster.balance", cluster.id(), "cluster " + cluster.name() + ": "
                    + applied.plan().summary());
            VmRoutes.accepted(ctx, applied.operation().get());
        });
    }

    private void change(Context ctx) {
        Cluster cluster = cluster(ctx);
        PolicyChange change = RequestBody.read(ctx, PolicyChange.class);
        BalancingPolicy now = balancing.policy(cluster.id());
        BalancingPolicy.Mode mode = change.mode() == null ? now.mode() : BalancingPolicy.Mode.of(change.mode())
                .orElseThrow(() -> new PaddockException.InvalidValue("Field 'mode' is 'off', 'recommend' or"
                        + " 'automatic', not '" + change.mode() + "'."));
        double threshold = points(change.threshold(), now.threshold(), "threshold", 0.5);
        double minimumGain = points(change.minimumGain(), now.minimumGain(), "minimumGain", 0);
        double moveGain = points(change.moveGain(), now.moveGain(), "moveGain", 0.1);
        int maxMoves = change.maxMoves() == null ? now.maxMoves()
                : (int) Requests.between(change.maxMoves(), 1, MAX_MOVES, "maxMoves", "");
        Duration coolDown = change.coolDownMinutes() == null ? now.coolDown()
                : Duration.ofMinutes(Requests.between(change.coolDownMinutes(), 0, MAX_COOL_DOWN_MINUTES,
                        "coolDownMinutes", " minutes"));
        BalancingPolicy policy = new BalancingPolicy(mode, threshold, minimumGain, moveGain, maxMoves, coolDown,
                now.migrationBytesPerSecond());
        balancing.put(cluster.id(), policy);
        audit.record(ctx, "cluster.balancing.set", cluster.id(), "cluster " + cluster.name() + ": balancing "
                + mode.label() + ", threshold " + threshold + " points, minimum gain " + minimumGain
                + ", move gain " + moveGain + ", at most " + maxMoves + " moves a round, cool-down "
                + coolDown.toMinutes() + " min");
        ctx.json(view(cluster, balancing.plan(cluster.id())));
    }

    /** A number of points from 0 to 100, at least {@code min}, or {@code current} when absent. */
    private static double points(Double value, double current, String field, double min) {
        if (value == null) {
            return current;
        }
        if (!(value >= min && value <= 100)) {
            throw new PaddockException.InvalidValue("Field '" + field + "' must be between " + min + " and 100"
                    + " points; got " + value + ".");
        }
        return value;
    }

    private ClusterBalancing view(Cluster cluster, BalancePlan plan) {
        BalancingPolicy p = balancing.policy(cluster.id());
        Room room = store.room();
        Map<String, Double> hostCpu = new LinkedHashMap<>();
        plan.hostLoads().forEach((id, share) -> hostCpu.put(name(room, id), Math.round(share * 1000) / 1000.0));
        List<Move> moves = plan.moves().stream().map(m -> move(room, m)).toList();
        List<Blocked> blocked = plan.blocked().stream().map(b -> blocked(room, b)).toList();
        return new ClusterBalancing(cluster.id(), new Policy(p.mode().label(), p.threshold(), p.minimumGain(),
                p.moveGain(), p.maxMoves(), p.coolDown().toMinutes()), new Plan(plan.summary(),
                        round(plan.imbalanceBefore()), round(plan.imbalanceAfter()), hostCpu, moves, blocked));
    }

    private static Move move(Room room, BalanceMove m) {
        return new Move(m.vm().id(), m.vm().name(), name(room, m.fromHostId()), name(room, m.toHostId()),
                m.reason().label(), round(m.imbalanceBefore()), round(m.imbalanceAfter()),
                Math.round(m.copyBytes() / (double) (1L << 30) * 10) / 10.0, Math.round(m.seconds()), m.explanation());
    }

    private static Blocked blocked(Room room, BlockedMove b) {
        return new Blocked(b.vmId(), b.vmName(), name(room, b.fromHostId()),
                b.toHostId().isEmpty() ? "" : name(room, b.toHostId()), b.filter(), b.sentence());
    }

    private static String name(Room room, String hostId) {
        return room.host(hostId).map(Host::name).orElse(hostId);
    }

    private static double round(double points) {
        return Math.round(points * 10) / 10.0;
    }

    private Cluster cluster(Context ctx) {
        return store.cluster(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("cluster", ctx));
    }
}
