package dev.paddock.placement;

import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where the running VMs of a host going into maintenance go: all of them, or none. Pure: each VM is placed by
 * the engine among the other hosts of its cluster, seeing the claims of unfinished operations and the moves
 * planned before it (largest first, so the hard ones choose while there is most room).
 */
public sealed interface Evacuation permits Evacuation.Moves, Evacuation.Stuck {

    /**
     * How many of a host's VMs migrate at once when it is evacuated: vCenter's default for a 1 GbE vMotion network;
     * more would share the same link and CPU without finishing sooner.
     */
    int PARALLEL_MIGRATIONS = 4;

    /** How long a VM powered off by an evacuation has to shut down before it is powered off at once. */
    int SHUTDOWN_SECONDS = 60;

    /** One migration of the evacuation. */
    record Move(Vm vm, String fromHostId, String toHostId) {}

    /**
     * Every running VM has a target, or (when asked) is powered off because it fits nowhere else; {@code moves} is
     * empty when the host runs none.
     *
     * @param powerOff the VMs that fit on no other host and are shut down instead (a graceful shutdown, then power
     *     off), with the engine's sentence for each
     */
    record Moves(String hostId, List<Move> moves, List<Stuck> powerOff) implements Evacuation {
        public Moves {
            moves = List.copyOf(moves);
            powerOff = powerOff == null ? List.of() : List.copyOf(powerOff);
        }

        /** Every running VM has a target. */
        public Moves(String hostId, List<Move> moves) {
            this(hostId, moves, List.of());
        }

        /**
         * The migrations as one operation, or nothing when there is nothing to move: one step that runs at most
         * {@code parallel} of them at a time, the next beginning as soon as one ends (largest VMs first, as planned).
         */
        public Optional<OperationPlan> operation(String owner, int parallel) {
            if (parallel < 1) {
                throw new IllegalArgumentException("at least one migration at a time, not " + parallel);
            }
            if (moves.isEmpty() && powerOff.isEmpty()) {
                return Optional.empty();
            }
            List<Step> steps = new ArrayList<>();
            List<Step> migrations = moves.stream()
                    .<Step>map(m -> new Step.MigrateVm(m.vm().id(), m.fromHostId(), m.toHostId())).toList();
            if (!migrations.isEmpty()) {
                steps.add(Step.Parallel.of(migrations, parallel));
            }
            powerOff.forEach(stuck -> steps.add(new Step.ShutdownVm(hostId, stuck.vm().id(), SHUTDOWN_SECONDS)));
            return Optional.of(new OperationPlan("host.evacuate", hostId, owner, steps));
        }
    }

    /** {@code vm} fits on no other host: nothing moves, and {@code sentence} says why (the engine's sentence). */
    record Stuck(String hostId, Vm vm, Placement.Unplaceable why, String sentence) implements Evacuation {}

    static Evacuation plan(PlacementEngine engine, Room room, Claims claims, String hostId) {
        return plan(engine, room, claims, hostId, false);
    }

    /**
     * The evacuation's plan; with {@code powerOffStuck}, a VM that fits nowhere else is shut down instead of
     * refusing the whole evacuation.
     */
    static Evacuation plan(PlacementEngine engine, Room room, Claims claims, String hostId, boolean powerOffStuck) {
        List<Vm> running = room.vmsOn(hostId).stream().filter(vm -> vm.state() != VmState.STOPPED)
                .sorted(Comparator.comparingLong((Vm vm) -> -vm.demand().memoryMib())
                        .thenComparingLong(vm -> -vm.demand().cpuMillicores()).thenComparing(Vm::name))
                .toList();
        Claims planned = claims;
        List<Move> moves = new ArrayList<>();
        List<Stuck> stopped = new ArrayList<>();
        for (Vm vm : running) {
            switch (engine.place(room, planned, vm, (Host h) -> !h.id().equals(hostId)
                    && h.clusterId().equals(vm.clusterId()))) {
                case Placement.Placed placed -> {
                    moves.add(new Move(vm, hostId, placed.host().id()));
                    planned = planned.plus(List.of(new Claims.Claim("evacuation", vm, placed.host().id())));
                }
                case Placement.Unplaceable none -> {
                    Stuck stuck = new Stuck(hostId, vm, none, none.explain(room, vm));
                    if (!powerOffStuck) {
                        return stuck;
                    }
                    stopped.add(stuck);
                }
            }
        }
        return new Moves(hostId, moves, stopped);
    }
}
