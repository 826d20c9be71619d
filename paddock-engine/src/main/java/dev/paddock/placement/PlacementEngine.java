package dev.paddock.placement;

import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * First placement of a VM in a room (Nomad's and the Kubernetes scheduler's shape): every host goes through the
 * filters, cheap first, and the first rejection of each host is kept for {@code explain}; the hosts left are
 * scored by a weighted sum of scorers and the best wins, ties going to the host met first in the room.
 *
 * <p>Pure: the same room and VM give the same answer.
 */
public final class PlacementEngine {

    /** A scorer and how much it counts. */
    public record Weighted(HostScorer scorer, int weight) {
        public Weighted {
            if (weight < 0) {
                throw new IllegalArgumentException("weight must be >= 0");
            }
        }
    }

    private final List<HostFilter> filters;
    private final List<Weighted> scorers;

    public PlacementEngine(List<HostFilter> filters, List<Weighted> scorers) {
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
    }

    /** The standard filters; spread load, and keep VMs of an affinity group together. */
    public static PlacementEngine balancing() {
        return new PlacementEngine(Filters.standard(),
                List.of(new Weighted(new Scorers.Balance(), 1), new Weighted(new Scorers.Affinity(), 2)));
    }

    /**
     * As {@link #balancing}, for a live migration that copies the disks of a host's local pool to the target's pool
     * of the same name ({@link Filters#liveMigration}).
     */
    public static PlacementEngine liveMigration() {
        return new PlacementEngine(Filters.liveMigration(),
                List.of(new Weighted(new Scorers.Balance(), 1), new Weighted(new Scorers.Affinity(), 2)));
    }

    /**
     * As {@link #balancing}, for VMs that keep running as they move to another host (a host's evacuation): the
     * target must have the CPU of the VM's host ({@link Filters#liveMove}).
     */
    public static PlacementEngine liveMove() {
        return new PlacementEngine(Filters.liveMove(),
                List.of(new Weighted(new Scorers.Balance(), 1), new Weighted(new Scorers.Affinity(), 2)));
    }

    /**
     * As {@link #balancing}, for VMs restarted after their host failed ({@link Filters#failover}): a licence bound to
     * the failed host moves with them.
     */
    public static PlacementEngine failover() {
        return new PlacementEngine(Filters.failover(),
                List.of(new Weighted(new Scorers.Balance(), 1), new Weighted(new Scorers.Affinity(), 2)));
    }

    /** The standard filters; fill hosts before opening new ones (consolidation). */
    public static PlacementEngine packing() {
        return new PlacementEngine(Filters.standard(),
                List.of(new Weighted(new Scorers.Packing(), 1), new Weighted(new Scorers.Affinity(), 2)));
    }

    public Placement place(Room room, Vm vm) {
        return place(room, Claims.NONE, vm, host -> true);
    }

    /** Places {@code vm} counting the room unfinished operations have claimed as used. */
    public Placement place(Room room, Claims claims, Vm vm) {
        return place(room, claims, vm, host -> true);
    }

    /**
     * Places {@code vm} among the hosts {@code candidates} accepts (a migration leaves out the VM's own host, a
     * create on a named host keeps only that one), counting {@code claims} as used.
     */
    public Placement place(Room room, Claims claims, Vm vm, Predicate<Host> candidates) {
        List<HostView> views = new ArrayList<>();
        for (Host host : room.hosts()) {
            if (candidates.test(host)) {
                views.add(HostView.of(room, claims, host, vm));
            }
        }
        return choose(vm, views, room);
    }

    /**
     * The best of {@code hosts} for {@code vm} by the filters then the scorers, ties going to the host met first:
     * the core every path shares, for planners that keep their own views (a failover plan charges its survivors
     * restart by restart).
     */
    public Placement choose(Vm vm, Collection<HostView> hosts, Room room) {
        Map<String, Reject> rejections = new LinkedHashMap<>();
        Host best = null;
        int bestScore = Integer.MIN_VALUE;
        for (HostView view : hosts) {
            Optional<Reject> reject = firstRejection(vm, view, room);
            if (reject.isPresent()) {
                rejections.put(view.id(), reject.get());
                continue;
            }
            int score = score(vm, view, room);
            if (score > bestScore) {
                best = view.host();
                bestScore = score;
            }
        }
        return best == null ? new Placement.Unplaceable(rejections)
                : new Placement.Placed(best, bestScore, rejections);
    }

    /** Targets for every running VM of {@code hostId} (maintenance), or the first VM that fits nowhere. */
    public Evacuation evacuate(Room room, Claims claims, String hostId) {
        return Evacuation.plan(this, room, claims, hostId);
    }

    /**
     * Targets for every running VM of {@code hostId}; with {@code powerOffStuck}, the VMs that fit nowhere else are
     * to be shut down instead of refusing the evacuation.
     */
    public Evacuation evacuate(Room room, Claims claims, String hostId, boolean powerOffStuck) {
        return Evacuation.plan(this, room, claims, hostId, powerOffStuck);
    }

    /** Places the VMs one after the other, each seeing the ones placed before it; unplaceable ones stay out. */
    public Result placeAll(Room room, List<Vm> vms) {
        Room current = room;
        List<Vm> unplaced = new ArrayList<>();
        Map<String, Placement> answers = new LinkedHashMap<>();
        for (Vm vm : vms) {
            Placement answer = place(current, vm);
            answers.put(vm.id(), answer);
            if (answer instanceof Placement.Placed placed) {
                current = current.with(vm.withHost(placed.host().id()));
            } else {
                unplaced.add(vm);
            }
        }
        return new Result(current, answers, unplaced);
    }

    /** The room after a batch of placements, each VM's answer, and the VMs no host could take. */
    public record Result(Room room, Map<String, Placement> answers, List<Vm> unplaced) {
        public Result {
            answers = Map.copyOf(answers);
            unplaced = List.copyOf(unplaced);
        }
    }

    private Optional<Reject> firstRejection(Vm vm, HostView view, Room room) {
        for (HostFilter filter : filters) {
            if (filter.test(vm, view, room) instanceof Reject reject) {
                return Optional.of(reject);
            }
        }
        return Optional.empty();
    }

    private int score(Vm vm, HostView view, Room room) {
        int total = 0;
        for (Weighted w : scorers) {
            total += w.weight() * w.scorer().score(vm, view, room);
        }
        return total;
    }

}
