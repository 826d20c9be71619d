package dev.paddock.drs;

import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.placement.HostView;
import dev.paddock.placement.Placement;
import dev.paddock.placement.PlacementEngine;
import dev.paddock.placement.Reject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Balancing (DRS) for one cluster: a pure planner on the one placement engine.
 *
 * <p>A round first repairs broken anti-affinity rules with as few moves as it can (of two VMs of a group on one
 * host, one moves, not the room). Then, only if the imbalance is above the threshold, it adds the best move one at a
 * time — the one that takes most off the imbalance per second of migration — until the imbalance is down to half the
 * threshold or no move helps. Every candidate target is judged by the engine's live-migration filters (capacity,
 * licences and their relocation rule, CPU, networks, datastores, anti-affinity), so balancing never makes a move a
 * person could not make by hand, and a move a rule refused is reported.
 *
 * <p>What keeps it from thrashing, each a rule a test holds: a move never leaves its target hotter than its source
 * (ProxLB's "migration thrashing"); a round that takes less than the minimum gain off the imbalance moves nothing; a
 * VM balancing moved stays put for the cool-down; and the planner keeps no state between rounds, so a restart of the
 * manager plans what the last round would have planned — nothing, in a balanced room.
 *
 * <p>Loads come from monitoring ({@link VmLoad}); a VM without a measure counts for its whole demand.
 */
public final class Balancer {

    private static final double NEVER = Double.POSITIVE_INFINITY;
    /** A host busier than this is balanced whatever the imbalance: its guests wait for CPU. */
    static final double HOT = 0.8;
    /** A guest that dirties its memory faster than this share of the network never converges in pre-copy. */
    private static final double CONVERGENCE = 0.8;

    private final PlacementEngine engine;

    public Balancer() {
        this(PlacementEngine.liveMigration());
    }

    public Balancer(PlacementEngine engine) {
        this.engine = engine;
    }

    /**
     * The round's plan for cluster {@code clusterId}.
     *
     * @param loads what monitoring measured of each running VM, by VM id
     * @param lastMoved when balancing last moved each VM, by VM id
     */
    public BalancePlan plan(Room room, String clusterId, Map<String, VmLoad> loads, Map<String, Instant> lastMoved,
            Instant now, BalancingPolicy policy) {
        Round round = new Round(room, clusterId, loads, policy);
        double before = round.imbalance();
        Map<String, Double> hostLoads = round.utilisations();
        if (round.hosts.size() < 2) {
            return new BalancePlan(clusterId, before, before, hostLoads, List.of(), List.of(), "cluster " + clusterId
                    + " has fewer than two hosts that take VMs: nothing to balance");
        }
        List<BlockedMove> blocked = new ArrayList<>();
        List<BalanceMove> repairs = repairAntiAffinity(round, lastMoved, now, policy, blocked);
        double repaired = round.imbalance();
        double forecast = round.steadyImbalance();
        String state = "imbalance " + points(repaired) + " points" + (round.windows == 0 ? ""
                : " (" + points(forecast) + " forecast)");
        if (repaired <= policy.threshold() && forecast <= policy.forecastThreshold() && round.hottest() <= HOT) {
            return new BalancePlan(clusterId, before, repaired, hostLoads, repairs, blocked, state
                    + ", not over the threshold of " + points(policy.threshold()) + ": "
                    + repairSentence(repairs, "nothing moves"));
        }
        List<BalanceMove> balance = new ArrayList<>();
        while (balance.size() < policy.maxMoves() && (round.imbalance() > policy.target() || round.hottest() > HOT
                || round.steadyImbalance() > policy.forecastTarget())) {
            Candidate best = bestMove(round, lastMoved, now, policy, balance.isEmpty() ? blocked : null);
            if (best == null) {
                break;
            }
            balance.add(round.apply(best, BalanceMove.Reason.BALANCE, balanceSentence(round, best)));
        }
        double after = round.imbalance();
        double forecastAfter = round.steadyImbalance();
        String over = state + ", over the threshold of " + points(policy.threshold());
        if (balance.isEmpty()) {
            return new BalancePlan(clusterId, before, repaired, hostLoads, repairs, blocked, over
                    + ", but no move the rules allow lowers it enough: " + repairSentence(repairs, "nothing moves"));
        }
        String reached = points(after) + (round.windows == 0 ? "" : " (" + points(forecastAfter) + " forecast)");
        if (repaired + forecast - after - forecastAfter < policy.minimumGain()) {
            return new BalancePlan(clusterId, before, repaired, hostLoads, repairs, blocked, over + ", but the best "
                    + balance.size() + " move(s) would take it only to " + reached + ", less than the minimum gain of "
                    + points(policy.minimumGain()) + " points: " + repairSentence(repairs, "nothing moves"));
        }
        List<BalanceMove> all = new ArrayList<>(repairs);
        all.addAll(balance);
        return new BalancePlan(clusterId, before, after, hostLoads, all, blocked, over + ": " + balance.size()
                + " move(s) take it to " + reached + (repairs.isEmpty() ? "" : "; " + repairSentence(repairs, "")));
    }

    /**
     * For each host, the VMs of an anti-affinity group beyond the first move: the ones kept are those balancing
     * moved lately, then the costliest to move, so the fewest and cheapest migrations restore the rules.
     */
    private List<BalanceMove> repairAntiAffinity(Round round, Map<String, Instant> lastMoved, Instant now,
            BalancingPolicy policy, List<BlockedMove> blocked) {
        List<BalanceMove> moves = new ArrayList<>();
        for (Host host : round.hosts) {
            List<Vm> on = round.running(host.id()).stream().filter(vm -> !vm.antiAffinityGroups().isEmpty())
                    .sorted(Comparator.comparing((Vm vm) -> !coolingDown(vm, lastMoved, now, policy))
                            .thenComparing(vm -> -round.copyBytes(vm)).thenComparing(Vm::name))
                    .toList();
            Set<String> kept = new HashSet<>();
            for (Vm vm : on) {
                if (vm.antiAffinityGroups().stream().noneMatch(kept::contains)) {
                    kept.addAll(vm.antiAffinityGroups());
                    continue;
                }
                Candidate target = coolestTarget(round, vm, host.id());
                if (target == null) {
                    blocked.add(new BlockedMove(vm.id(), vm.name(), host.id(), "", "anti-affinity", "VM "
                            + vm.name() + " breaks anti-affinity on " + host.name() + " and no other host may take it"));
                    continue;
                }
                moves.add(round.apply(target, BalanceMove.Reason.ANTI_AFFINITY, "VM " + vm.name()
                        + " shares an anti-affinity group with another VM on " + host.name() + "; it moves to "
                        + round.name(target.to) + ", copying " + gib(target.copyBytes) + " GiB in about "
                        + seconds(target.seconds) + " s"));
            }
        }
        return moves;
    }

    /** The target the engine allows that is left coolest by the move. */
    private Candidate coolestTarget(Round round, Vm vm, String from) {
        Placement answer = engine.choose(vm, round.viewsBut(from), round.room);
        Candidate best = null;
        for (Host to : round.hosts) {
            if (to.id().equals(from) || answer.rejections().containsKey(to.id())) {
                continue;
            }
            Candidate c = round.candidate(vm, from, to.id());
            if (best == null || c.targetAfter < best.targetAfter) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The move that takes most off the imbalance, now and forecast together, per minute of migration: it must make
     * neither worse, take at least the policy's move gain off both together, and leave its target no hotter than its
     * source was; with {@code blocked}, the moves a rule refused are reported there.
     */
    private Candidate bestMove(Round round, Map<String, Instant> lastMoved, Instant now, BalancingPolicy policy,
            List<BlockedMove> blocked) {
        double current = round.imbalance();
        double currentSteady = round.steadyImbalance();
        Candidate best = null;
        double bestScore = 0;
        for (Host source : round.hostsByLoad()) {
            for (Vm vm : round.running(source.id())) {
                if (round.moved.contains(vm.id()) || coolingDown(vm, lastMoved, now, policy)) {
                    continue;
                }
                Map<String, Reject> refused = null;
                for (Host target : round.hosts) {
                    Candidate c = round.candidate(vm, source.id(), target.id());
                    if (target.id().equals(source.id()) || c.seconds == NEVER || c.targetAfter > c.sourceBefore) {
                        continue;
                    }
                    // relieving a host above HOT counts on top: its guests are short of CPU now
                    double relief = c.sourceBefore > HOT ? 100 * (c.sourceBefore - Math.max(c.sourceAfter,
                            c.targetAfter)) : 0;
                    double gain = current - c.imbalanceAfter + Math.max(0, relief);
                    double steadyGain = currentSteady - c.steadyAfter;
                    if (gain < 0 || steadyGain < 0 || gain + steadyGain < policy.moveGain()) {
                        continue;
                    }
                    if (refused == null) {
                        refused = engine.choose(vm, round.viewsBut(source.id()), round.room).rejections();
                    }
                    Reject reject = refused.get(target.id());
                    if (reject != null) {
                        if (blocked != null && (reject.filter().equals("licences")
                                || reject.filter().equals("anti-affinity"))
                                && blocked.stream().noneMatch(b -> b.vmId().equals(vm.id()))) {
                            blocked.add(new BlockedMove(vm.id(), vm.name(), source.id(), target.id(), reject.filter(),
                                    reject.describe()));
                        }
                        continue;
                    }
                    double score = (gain + steadyGain) / (1 + c.seconds / 60);
                    if (score > bestScore) {
                        best = c;
                        bestScore = score;
                    }
                }
            }
        }
        return best;
    }

    private static boolean coolingDown(Vm vm, Map<String, Instant> lastMoved, Instant now, BalancingPolicy policy) {
        Instant last = lastMoved.get(vm.id());
        return last != null && now.isBefore(last.plus(policy.coolDown()));
    }

    private static String balanceSentence(Round round, Candidate c) {
        return round.name(c.from) + " is at " + percent(c.sourceBefore) + " % CPU; VM " + c.vm.name() + " uses "
                + String.format(Locale.ROOT, "%.2f", c.cpu / 1000.0) + " cores there, and moving it to "
                + round.name(c.to) + " (" + percent(c.targetBefore) + " % → " + percent(c.targetAfter)
                + " %) takes the imbalance from " + points(round.imbalance()) + " to " + points(c.imbalanceAfter)
                + " points, copying " + gib(c.copyBytes) + " GiB in about " + seconds(c.seconds) + " s";
    }

    private static String repairSentence(List<BalanceMove> repairs, String none) {
        return repairs.isEmpty() ? none : repairs.size() + " move(s) restore anti-affinity";
    }

    static String points(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f", share * 100);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.0f", value);
    }

    /** One VM's move from one host to another, priced and weighed against the cluster as the round has it. */
    private record Candidate(Vm vm, String from, String to, long cpu, long[] forecast, double sourceBefore,
            double sourceAfter, double targetBefore, double targetAfter, double imbalanceAfter, double steadyAfter,
            long copyBytes, double seconds) {}

    /**
     * The cluster as a round changes it: each host's engine view and the CPU its VMs use. Imbalance is the
     * population standard deviation of the hosts' CPU use, in points.
     */
    private static final class Round {
        final Room room;
        final List<Host> hosts;
        final Map<String, HostView> views = new LinkedHashMap<>();
        final Map<String, Long> cpu = new LinkedHashMap<>();
        /** Each host's forecast, window by window: the sum of its VMs'. */
        final Map<String, long[]> steady = new LinkedHashMap<>();
        final int windows;
        final Map<String, VmLoad> loads;
        final BalancingPolicy policy;
        final Set<String> moved = new HashSet<>();

        Round(Room room, String clusterId, Map<String, VmLoad> loads, BalancingPolicy policy) {
            this.room = room;
            this.loads = loads;
            this.policy = policy;
            this.hosts = room.hostsOf(clusterId).stream().filter(Host::acceptsVms)
                    .filter(h -> h.capacity().cpuMillicores() > 0).toList();
            for (Host host : hosts) {
                List<Vm> on = room.vmsOn(host.id());
                views.put(host.id(), new HostView(host, on, room.used(host.id())));
                cpu.put(host.id(), on.stream().filter(vm -> vm.state() != VmState.STOPPED)
                        .mapToLong(vm -> load(vm).cpuMillicores()).sum());
            }
            windows = loads.values().stream().mapToInt(l -> l.forecastMillicores().size()).max().orElse(0);
            for (Host host : hosts) {
                long[] sum = new long[windows];
                for (Vm vm : running(host.id())) {
                    long[] f = forecast(vm);
                    for (int k = 0; k < windows; k++) {
                        sum[k] += f[k];
                    }
                }
                steady.put(host.id(), sum);
            }
        }

        /** The VM's forecast; without history, what it uses now in every window. */
        long[] forecast(Vm vm) {
            List<Long> f = load(vm).forecastMillicores();
            long[] out = new long[windows];
            for (int k = 0; k < windows; k++) {
                out[k] = f.isEmpty() ? load(vm).cpuMillicores() : f.get(Math.min(k, f.size() - 1));
            }
            return out;
        }

        VmLoad load(Vm vm) {
            VmLoad measured = loads.get(vm.id());
            return measured == null ? VmLoad.reserved(vm) : measured;
        }

        List<Vm> running(String hostId) {
            return views.get(hostId).vms().stream().filter(vm -> vm.state() != VmState.STOPPED).toList();
        }

        List<HostView> viewsBut(String hostId) {
            return views.values().stream().filter(v -> !v.id().equals(hostId)).toList();
        }

        List<Host> hostsByLoad() {
            return hosts.stream().sorted(Comparator.comparingDouble((Host h) -> -utilisation(h.id()))).toList();
        }

        String name(String hostId) {
            return views.get(hostId).host().name();
        }

        double hottest() {
            return hosts.stream().mapToDouble(h -> utilisation(h.id())).max().orElse(0);
        }

        double utilisation(String hostId) {
            return cpu.get(hostId) / (double) views.get(hostId).host().capacity().cpuMillicores();
        }

        Map<String, Double> utilisations() {
            Map<String, Double> shares = new LinkedHashMap<>();
            hosts.forEach(h -> shares.put(h.id(), utilisation(h.id())));
            return shares;
        }

        double imbalance() {
            return deviation(cpu, null, 0, null, 0);
        }

        /** The imbalance of the forecast: the root mean square of each window's, in points; 0 without history. */
        double steadyImbalance() {
            return forecastDeviation(null, null, null, null);
        }

        double forecastDeviation(String a, long[] aUsed, String b, long[] bUsed) {
            if (windows == 0 || hosts.isEmpty()) {
                return 0;
            }
            double variance = 0;
            int n = hosts.size();
            for (int k = 0; k < windows; k++) {
                double sum = 0;
                double squares = 0;
                for (Host h : hosts) {
                    long[] used = h.id().equals(a) ? aUsed : h.id().equals(b) ? bUsed : steady.get(h.id());
                    double u = used[k] / (double) h.capacity().cpuMillicores();
                    sum += u;
                    squares += u * u;
                }
                double mean = sum / n;
                variance += Math.max(0, squares / n - mean * mean);
            }
            return 100 * Math.sqrt(variance / windows);
        }

        double share(Map<String, Long> used, String hostId) {
            return used.get(hostId) / (double) views.get(hostId).host().capacity().cpuMillicores();
        }

        /** The standard deviation of {@code used} with two hosts' use replaced, in points. */
        double deviation(Map<String, Long> used, String a, double aShare, String b, double bShare) {
            int n = hosts.size();
            if (n == 0) {
                return 0;
            }
            double sum = 0;
            double squares = 0;
            for (Host h : hosts) {
                double u = h.id().equals(a) ? aShare : h.id().equals(b) ? bShare : share(used, h.id());
                sum += u;
                squares += u * u;
            }
            double mean = sum / n;
            return 100 * Math.sqrt(Math.max(0, squares / n - mean * mean));
        }

        long copyBytes(Vm vm) {
            long disks = 0;
            for (Disk disk : vm.disks()) {
                if (room.datastore(disk.datastoreId()).map(ds -> !ds.shared()).orElse(false)) {
                    disks += disk.sizeGib() << 30;
                }
            }
            return load(vm).memoryBytes() + disks;
        }

        Candidate candidate(Vm vm, String from, String to) {
            long used = load(vm).cpuMillicores();
            double sourceBefore = utilisation(from);
            double targetBefore = utilisation(to);
            double sourceAfter = (cpu.get(from) - used) / (double) views.get(from).host().capacity().cpuMillicores();
            double targetAfter = (cpu.get(to) + used) / (double) views.get(to).host().capacity().cpuMillicores();
            long copy = copyBytes(vm);
            double rate = policy.migrationBytesPerSecond() - load(vm).dirtyBytesPerSecond();
            double seconds = load(vm).dirtyBytesPerSecond() >= CONVERGENCE * policy.migrationBytesPerSecond() ? NEVER
                    : copy / rate;
            long[] f = forecast(vm);
            long[] fromAfter = steady.get(from).clone();
            long[] toAfter = steady.get(to).clone();
            for (int k = 0; k < windows; k++) {
                fromAfter[k] -= f[k];
                toAfter[k] += f[k];
            }
            double steadyAfter = forecastDeviation(from, fromAfter, to, toAfter);
            return new Candidate(vm, from, to, used, f, sourceBefore, sourceAfter, targetBefore, targetAfter,
                    deviation(cpu, from, sourceAfter, to, targetAfter), steadyAfter, copy, seconds);
        }

        BalanceMove apply(Candidate c, BalanceMove.Reason reason, String explanation) {
            double before = imbalance();
            views.put(c.from, views.get(c.from).leaving(c.vm));
            views.put(c.to, views.get(c.to).receiving(c.vm));
            cpu.put(c.from, cpu.get(c.from) - c.cpu);
            cpu.put(c.to, cpu.get(c.to) + c.cpu);
            long[] from = steady.get(c.from).clone();
            long[] to = steady.get(c.to).clone();
            for (int k = 0; k < windows; k++) {
                from[k] -= c.forecast[k];
                to[k] += c.forecast[k];
            }
            steady.put(c.from, from);
            steady.put(c.to, to);
            moved.add(c.vm.id());
            return new BalanceMove(c.vm, c.from, c.to, reason, before, imbalance(), c.sourceBefore, c.sourceAfter,
                    c.targetBefore, c.targetAfter, c.copyBytes, c.seconds, explanation);
        }
    }
}
