package dev.paddock.drs;

import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.monitoring.Monitoring;
import dev.paddock.monitoring.Series;
import dev.paddock.monitoring.Usage;
import dev.paddock.monitoring.UsageBook;
import dev.paddock.operation.OperationView;
import dev.paddock.placement.Claims;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.store.InventoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster's balancing as the API and the controller both use it: the policy from the store, the VMs' loads from
 * monitoring, the cool-down from the moves balancing made, the pure {@link Balancer} to decide, and the placement
 * ledger to submit (so balancing never takes room another operation holds).
 *
 * <p>Loads: each running VM's mean CPU over the last 5 minutes, and its forecast: what it used in each 3-hour
 * window of the last 24 hours (monitoring keeps a day at 1-minute steps), taken as what it will use from now on, as a
 * day repeats the day before. A VM monitoring has not measured counts for its whole demand; memory dirty rates are
 * not measured (0).
 */
public final class Balancing {

    public static final String KIND = "cluster.balance";
    /** Who automatic balancing's operations are by. */
    public static final String OWNER = "balancing";
    /** How many of a round's migrations run at once: as an evacuation's. */
    public static final int PARALLEL = 4;
    static final Duration RECENT = Duration.ofMinutes(5);
    static final Duration WINDOW = Duration.ofHours(3);
    static final int WINDOWS = 8;

    private final InventoryStore store;
    private final PlacementLedger ledger;
    private final Optional<Monitoring> monitoring;
    private final Clock clock;
    private final Balancer balancer = new Balancer();

    public Balancing(InventoryStore store, PlacementLedger ledger, Optional<Monitoring> monitoring, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.monitoring = monitoring;
        this.clock = clock;
    }

    /** A round's plan and the operation that runs its moves, if any. */
    public record Applied(BalancePlan plan, Optional<OperationView> operation) {}

    public BalancingPolicy policy(String clusterId) {
        return store.balancingPolicy(clusterId).orElse(BalancingPolicy.DEFAULT);
    }

    public void put(String clusterId, BalancingPolicy policy) {
        store.put(clusterId, policy);
    }

    /** What a round would do now, nothing submitted. */
    public BalancePlan plan(String clusterId) {
        return ledger.peek((room, claims) -> decide(room, claims, clusterId));
    }

    /** A round now: its moves submitted as one operation by {@code owner}, and remembered for the cool-down. */
    public Applied apply(String clusterId, String owner) {
        List<BalancePlan> decided = new ArrayList<>(1);
        Optional<OperationView> view = ledger.submit((room, claims) -> {
            BalancePlan plan = decide(room, claims, clusterId);
            decided.add(plan);
            return plan.operation(owner, PARALLEL);
        });
        BalancePlan plan = decided.getFirst();
        view.ifPresent(v -> store.recordBalancingMoves(plan.moves(), clock.instant(), v.id()));
        return new Applied(plan, view);
    }

    private BalancePlan decide(Room room, Claims claims, String clusterId) {
        Instant now = clock.instant();
        Optional<Claims.Claim> busy = claims.claims().stream()
                .filter(claim -> claim.vm().clusterId().equals(clusterId)).findFirst();
        if (busy.isPresent()) {
            return new BalancePlan(clusterId, 0, 0, Map.of(), List.of(), List.of(), "operation "
                    + busy.get().operationId() + " is placing VM " + busy.get().vm().name()
                    + " in this cluster: balancing waits until it ends");
        }
        BalancingPolicy policy = policy(clusterId);
        return balancer.plan(room, clusterId, loads(room, clusterId), store.balancingMoves(
                now.minus(policy.coolDown())), now, policy);
    }

    /**
     * What monitoring measured of the cluster's running VMs, up to monitoring's own now (a simulated room keeps its
     * own time); a VM it has not measured is left out.
     */
    Map<String, VmLoad> loads(Room room, String clusterId) {
        Map<String, VmLoad> loads = new HashMap<>();
        if (monitoring.isEmpty()) {
            return loads;
        }
        UsageBook book = monitoring.get().usage();
        Instant now = monitoring.get().now();
        for (Vm vm : room.vms()) {
            if (!vm.clusterId().equals(clusterId) || vm.state() == VmState.STOPPED || vm.hostId().isEmpty()) {
                continue;
            }
            List<Series.Point> recent = book.points(vm.id(), now.minus(RECENT), now, RECENT, now);
            if (recent.isEmpty()) {
                continue;
            }
            long cores = vm.demand().cores();
            long cpu = millicores(recent, cores);
            List<Series.Point> day = book.points(vm.id(), now.minus(WINDOW.multipliedBy(WINDOWS)), now, WINDOW, now);
            List<Long> forecast = day.size() < WINDOWS ? List.of()
                    : day.subList(day.size() - WINDOWS, day.size()).stream().map(p -> millicores(List.of(p), cores))
                            .toList();
            long memory = book.latest(vm.id()).map(Usage::memoryUsedBytes).orElse(vm.demand().memoryMib() << 20);
            loads.put(vm.id(), new VmLoad(cpu, forecast, memory, 0));
        }
        return loads;
    }

    private static long millicores(List<Series.Point> points, long cores) {
        double share = points.stream().mapToDouble(p -> p.values()[0]).average().orElse(0);
        return Math.round(Math.max(0, share) * cores * 1000);
    }
}
