package dev.paddock.drs;

import dev.paddock.ha.AdmissionControl;
import dev.paddock.ha.AdmissionVerdict;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.placement.Claims;
import dev.paddock.placement.Evacuation;
import dev.paddock.placement.PlacementEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Power saving (DPM) for one cluster: a pure planner. It answers one decision a round — power standby hosts on, put
 * one host in standby (its VMs moved by the engine's evacuation plan), or hold — with the sentence that says why.
 *
 * <p>Standby hosts are the cluster's hosts that power saving itself put in standby ({@code standby}) and that take no
 * VMs; a host an administrator put in maintenance is never powered on by it. Powering on comes first
 * and is never held back: load wins over savings. A standby keeps admission control's promise (the cluster still
 * tolerates its host failures without the host) and leaves no host above the policy's {@code high}.
 */
public final class PowerPlanner {

    /** How many forecast windows (of 3 hours) a standby must stay safe for. */
    private static final int STANDBY_WINDOWS = 2;

    private final AdmissionControl admission;
    private final PlacementEngine engine;

    public PowerPlanner() {
        this(AdmissionControl.standard(), PlacementEngine.liveMove());
    }

    public PowerPlanner(AdmissionControl admission, PlacementEngine engine) {
        this.admission = admission;
        this.engine = engine;
    }

    /** A round's decision. */
    public sealed interface Decision permits Hold, PowerOn, Standby {
        String summary();
    }

    /** Nothing changes. */
    public record Hold(String summary) implements Decision {}

    /** These standby hosts power on. */
    public record PowerOn(List<String> hostIds, String summary) implements Decision {
        public PowerOn {
            hostIds = List.copyOf(hostIds);
        }
    }

    /** This host's running VMs move as planned, then it powers off. */
    public record Standby(String hostId, List<Evacuation.Move> moves, String summary) implements Decision {
        public Standby {
            moves = List.copyOf(moves);
        }
    }

    /**
     * The decision for cluster {@code clusterId}.
     *
     * @param loads what monitoring measured of each running VM (with its forecast), by VM id
     * @param standby the hosts power saving put in standby
     * @param lastPowerOn when power saving last powered a host of this cluster on, if it did
     */
    public Decision plan(Room room, String clusterId, Map<String, VmLoad> loads, Set<String> standby,
            Optional<Instant> lastPowerOn, Instant now, PowerPolicy policy) {
        List<Host> on = room.hostsOf(clusterId).stream().filter(Host::acceptsVms).toList();
        List<Host> asleep = room.hostsOf(clusterId).stream().filter(h -> standby.contains(h.id())
                && !h.acceptsVms()).toList();
        long capacity = on.stream().mapToLong(h -> h.capacity().cpuMillicores()).sum();
        List<Vm> running = room.vms().stream().filter(vm -> vm.clusterId().equals(clusterId)
                && vm.state() != VmState.STOPPED && vm.hostId().isPresent()).toList();
        long now0 = demand(running, loads, -1);
        long soon = Math.max(now0, demand(running, loads, 0));
        if (capacity == 0 || soon > policy.high() * capacity) {
            return powerOn(asleep, capacity, soon, policy);
        }
        long coming = soon;
        for (int k = 1; k < STANDBY_WINDOWS; k++) {
            coming = Math.max(coming, demand(running, loads, k));
        }
        String state = "CPU demand " + share(soon, capacity) + " of the " + on.size() + " host(s) on";
        if (lastPowerOn.isPresent() && now.isBefore(lastPowerOn.get().plus(policy.settle()))) {
            return new Hold(state + "; a host was powered on at " + lastPowerOn.get() + ": nothing goes to standby"
                    + " before " + lastPowerOn.get().plus(policy.settle()));
        }
        int least = Math.max(policy.minimumOn(), room.cluster(clusterId).filter(Cluster::haEnabled)
                .map(c -> c.toleratedHostFailures() + 1).orElse(1));
        if (on.size() <= least) {
            return new Hold(state + ": " + on.size() + " host(s) on, the fewest this cluster keeps");
        }
        return standby(room, clusterId, on, running, loads, capacity, coming, state, policy);
    }

    private Decision powerOn(List<Host> asleep, long capacity, long demand, PowerPolicy policy) {
        if (asleep.isEmpty()) {
            return new Hold("CPU demand " + share(demand, capacity) + " of the hosts on, above "
                    + percent(policy.high()) + ", and no host is in standby to power on");
        }
        List<String> wake = new ArrayList<>();
        long more = capacity;
        for (Host host : asleep.stream().sorted(Comparator.comparingLong((Host h) -> -h.capacity().cpuMillicores())
                .thenComparing(Host::name)).toList()) {
            if (demand <= policy.target() * more && !wake.isEmpty()) {
                break;
            }
            wake.add(host.id());
            more += host.capacity().cpuMillicores();
        }
        return new PowerOn(wake, "CPU demand " + share(demand, capacity) + " of the hosts on, above "
                + percent(policy.high()) + ": " + wake.size() + " host(s) power on, to " + share(demand, more));
    }

    /** The host cheapest to empty whose standby keeps every rule, or a hold that says why none does. */
    private Decision standby(Room room, String clusterId, List<Host> on, List<Vm> running, Map<String, VmLoad> loads,
            long capacity, long coming, String state, PowerPolicy policy) {
        List<Host> byCost = on.stream().sorted(Comparator.comparingLong((Host h) -> memoryOn(running, h.id()))
                .thenComparing(Host::name, Comparator.reverseOrder())).toList();
        String why = "";
        for (Host host : byCost) {
            long left = capacity - host.capacity().cpuMillicores();
            if (coming > policy.low() * left) {
                return new Hold(state + "; without " + host.name() + " it would be " + share(coming, left)
                        + " over the next hours, not under " + percent(policy.low()) + ": every host stays on");
            }
            Evacuation evacuation = engine.evacuate(room, Claims.NONE, host.id());
            if (!(evacuation instanceof Evacuation.Moves moves)) {
                why = host.name() + ": " + ((Evacuation.Stuck) evacuation).sentence();
                continue;
            }
            Room after = afterStandby(room, host, moves);
            Optional<String> hot = hotHost(after, clusterId, loads, policy);
            if (hot.isPresent()) {
                why = host.name() + ": " + hot.get();
                continue;
            }
            AdmissionVerdict verdict = admission.check(after, clusterId);
            if (verdict instanceof AdmissionVerdict.Refused refused) {
                why = host.name() + ": " + refused.reason();
                continue;
            }
            return new Standby(host.id(), moves.moves(), state + ": " + host.name() + " goes to standby ("
                    + moves.moves().size() + " VM(s) move), leaving " + share(coming, left) + " over the next hours");
        }
        return new Hold(state + ", but no host can go to standby: " + why);
    }

    private static Room afterStandby(Room room, Host host, Evacuation.Moves moves) {
        Room after = room;
        for (Evacuation.Move move : moves.moves()) {
            after = after.with(move.vm().withHost(move.toHostId()));
        }
        return after.with(host.withState(HostState.MAINTENANCE).withPower(PowerState.OFF));
    }

    /** A host the VMs' measured load would put above {@code high}, said as a sentence. */
    private static Optional<String> hotHost(Room room, String clusterId, Map<String, VmLoad> loads,
            PowerPolicy policy) {
        Map<String, Long> used = new HashMap<>();
        for (Vm vm : room.vms()) {
            if (vm.clusterId().equals(clusterId) && vm.state() != VmState.STOPPED && vm.hostId().isPresent()) {
                used.merge(vm.hostId().get(), cpu(vm, loads, -1), Long::sum);
            }
        }
        for (Host host : room.hostsOf(clusterId)) {
            if (host.acceptsVms() && used.getOrDefault(host.id(), 0L) > policy.high() * host.capacity().cpuMillicores()) {
                return Optional.of("its VMs would leave " + host.name() + " at "
                        + share(used.get(host.id()), host.capacity().cpuMillicores()) + " CPU");
            }
        }
        return Optional.empty();
    }

    private static long memoryOn(List<Vm> running, String hostId) {
        return running.stream().filter(vm -> vm.hostId().filter(hostId::equals).isPresent())
                .mapToLong(vm -> vm.demand().memoryMib()).sum();
    }

    /** The VMs' CPU now ({@code window} -1) or in forecast window {@code window} (now when none is forecast). */
    private static long demand(List<Vm> running, Map<String, VmLoad> loads, int window) {
        long sum = 0;
        for (Vm vm : running) {
            sum += cpu(vm, loads, window);
        }
        return sum;
    }

    private static long cpu(Vm vm, Map<String, VmLoad> loads, int window) {
        VmLoad load = loads.getOrDefault(vm.id(), VmLoad.reserved(vm));
        List<Long> forecast = load.forecastMillicores();
        return window < 0 || window >= forecast.size() ? load.cpuMillicores() : forecast.get(window);
    }

    private static String share(long used, long capacity) {
        return capacity == 0 ? "all" : percent(used / (double) capacity);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }
}
