package dev.paddock.api;

import dev.paddock.drs.BalancingPolicy;
import dev.paddock.drs.HostStandby;
import dev.paddock.drs.PowerPlanner;
import dev.paddock.drs.PowerPolicy;
import dev.paddock.drs.PowerSaving;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Power saving (DPM) per cluster: its policy, what a round would decide now (power hosts on, put one in standby, or
 * hold, with why), the hosts in standby, and carrying the decision out as an operation.
 */
final class PowerRoutes {

    static final long MAX_SETTLE_MINUTES = 24 * 60;
    static final int MAX_MINIMUM_ON = 1_000;

    record ClusterPower(String clusterId, Policy policy, Decision decision, List<Standby> standby) {}

    record Policy(String mode, double high, double target, double low, int minimumOn, long settleMinutes) {}

    record PolicyChange(String mode, Double high, Double target, Double low, Integer minimumOn, Long settleMinutes) {}

    /** @param action hold, power-on or standby */
    record Decision(String action, List<String> hosts, String summary) {}

    record Standby(String host, String state, String since, String operation) {}

    private final InventoryStore store;
    private final Optional<PowerSaving> power;
    private final AuditTrail audit;

    PowerRoutes(InventoryStore store, Optional<PowerSaving> power, AuditTrail audit) {
        this.store = store;
        this.power = power;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE + "/clusters/{id}/power-saving";
        routes.get(base, Permission.HOST_READ, ctx -> ctx.json(view(cluster(ctx))));
        routes.put(base, Permission.HOST_MANAGE, this::change);
        routes.expensive().post(base + "/apply", Permission.HOST_MAINTENANCE, ctx -> {
            Cluster cluster = cluster(ctx);
            PowerSaving.Applied applied = saving().apply(cluster.id(), Guard.caller(ctx).name());
            if (applied.operation().isEmpty()) {
                throw new PaddockException.Conflict("Nothing to do in cluster '" + cluster.name() + "': "
                        + applied.decision().summary() + ".");
            }
            audit.record(ctx, "cluster.power-saving", cluster.id(), "cluster " + cluster.name() + ": "
                    + applied.decision().summary());
            VmRoutes.accepted(ctx, applied.operation().get());
        });
    }

    private PowerSaving saving() {
        return power.orElseThrow(() -> new PaddockException.Conflict("Power saving needs HA's fence devices to"
                + " power hosts off and on, and this server runs without HA."));
    }

    private void change(Context ctx) {
        Cluster cluster = cluster(ctx);
        PolicyChange change = RequestBody.read(ctx, PolicyChange.class);
        PowerPolicy now = saving().policy(cluster.id());
        BalancingPolicy.Mode mode = change.mode() == null ? now.mode() : BalancingPolicy.Mode.of(change.mode())
                .orElseThrow(() -> new PaddockException.InvalidValue("Field 'mode' is 'off', 'recommend' or"
                        + " 'automatic', not '" + change.mode() + "'."));
        double high = share(change.high(), now.high(), "high");
        double target = share(change.target(), now.target(), "target");
        double low = share(change.low(), now.low(), "low");
        if (!(low < target && target < high)) {
            throw new PaddockException.InvalidValue("Fields 'low', 'target' and 'high' must rise in that order; got "
                    + low + ", " + target + " and " + high + ".");
        }
        int minimumOn = change.minimumOn() == null ? now.minimumOn()
                : (int) Requests.between(change.minimumOn(), 1, MAX_MINIMUM_ON, "minimumOn", " hosts");
        Duration settle = change.settleMinutes() == null ? now.settle()
                : Duration.ofMinutes(Requests.between(change.settleMinutes(), 0, MAX_SETTLE_MINUTES, "settleMinutes",
                        " minutes"));
        PowerPolicy policy = new PowerPolicy(mode, high, target, low, minimumOn, settle);
        saving().put(cluster.id(), policy);
        audit.record(ctx, "cluster.power-saving.set", cluster.id(), "cluster " + cluster.name() + ": power saving "
                + mode.label() + ", power on above " + high + " to " + target + ", standby under " + low
                + ", at least " + minimumOn + " hosts on, " + settle.toMinutes() + " min to settle");
        ctx.json(view(cluster));
    }

    /** A share from 0 to 1 (exclusive of 0), or {@code current} when absent. */
    private static double share(Double value, double current, String field) {
        if (value == null) {
            return current;
        }
        if (!(value > 0 && value <= 1)) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is a share of the CPU of the hosts on,"
                    + " over 0 and at most 1; got " + value + ".");
        }
        return value;
    }

    private ClusterPower view(Cluster cluster) {
        PowerSaving saving = saving();
        PowerPolicy p = saving.policy(cluster.id());
        Room room = store.room();
        PowerPlanner.Decision decided = saving.decision(cluster.id());
        Decision decision = switch (decided) {
            case PowerPlanner.Hold hold -> new Decision("hold", List.of(), hold.summary());
            case PowerPlanner.PowerOn on -> new Decision("power-on", on.hostIds().stream().map(id -> name(room, id))
                    .toList(), on.summary());
            case PowerPlanner.Standby standby -> new Decision("standby", List.of(name(room, standby.hostId())),
                    standby.summary());
        };
        List<Standby> standbys = saving.standbys(cluster.id()).stream().map((HostStandby s) -> new Standby(
                name(room, s.hostId()), s.state().label(), s.since().toString(), s.operationId())).toList();
        return new ClusterPower(cluster.id(), new Policy(p.mode().label(), p.high(), p.target(), p.low(),
                p.minimumOn(), p.settle().toMinutes()), decision, standbys);
    }

    private static String name(Room room, String hostId) {
        return room.host(hostId).map(Host::name).orElse(hostId);
    }

    private Cluster cluster(Context ctx) {
        return store.cluster(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("cluster", ctx));
    }
}
