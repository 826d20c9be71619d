package dev.paddock.placement;

import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Room that placement decisions have taken but the room does not show yet (OpenStack Placement's allocations):
 * each claim is a VM an unfinished operation starts, or moves, on a host. Placement counts them as used, so two
 * decisions made on the same snapshot never take the same room twice.
 *
 * <p>A claim of a VM the room already shows running on the claimed host is not counted twice: the operation got
 * that far, and the room is the truth.
 */
public record Claims(List<Claim> claims) {

    public static final Claims NONE = new Claims(List.of());

    public Claims {
        claims = List.copyOf(claims);
    }

    /** Operation {@code operationId} holds room for {@code vm} on {@code hostId}. */
    public record Claim(String operationId, Vm vm, String hostId) {}

    /**
     * The claims a plan makes: every VM it starts or migrates, on the host it starts it on or moves it to. A VM
     * the plan records (a create) is read from the plan; any other from the room.
     */
    public static List<Claim> of(String operationId, OperationPlan plan, Room room) {
        Map<String, Vm> recorded = new HashMap<>();
        List<Claim> made = new ArrayList<>();
        for (Step step : flat(plan.steps())) {
            Optional<Claim> claim = switch (step) {
                case Step.RecordVm s -> {
                    recorded.put(s.vm().id(), s.vm());
                    yield Optional.empty();
                }
                case Step.StartVm s -> vm(s.vmId(), recorded, room).map(vm -> new Claim(operationId, vm, s.hostId()));
                case Step.MigrateVm s -> vm(s.vmId(), recorded, room)
                        .map(vm -> new Claim(operationId, vm, s.toHostId()));
                default -> Optional.empty();
            };
            claim.ifPresent(made::add);
        }
        return made;
    }

    /** The steps with the parts of each parallel step in its place: a failover starts its VMs in one. */
    private static List<Step> flat(List<Step> steps) {
        List<Step> flat = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Step.Parallel parallel) {
                flat.addAll(parallel.steps());
            } else {
                flat.add(step);
            }
        }
        return flat;
    }

    private static Optional<Vm> vm(String id, Map<String, Vm> recorded, Room room) {
        return Optional.ofNullable(recorded.get(id)).or(() -> room.vm(id));
    }

    public Claims plus(List<Claim> more) {
        List<Claim> all = new ArrayList<>(claims);
        all.addAll(more);
        return new Claims(all);
    }

    /** The claimed VMs on {@code hostId} that the room does not already show there, {@code except} left out. */
    public List<Vm> vmsOn(String hostId, Room room, String except) {
        List<Vm> on = new ArrayList<>();
        for (Claim claim : claims) {
            if (claim.hostId().equals(hostId) && !claim.vm().id().equals(except) && !shown(claim, room)) {
                on.add(claim.vm());
            }
        }
        return on;
    }

    /** The demand of {@link #vmsOn}. */
    public Resources usedOn(String hostId, Room room, String except) {
        Resources used = Resources.ZERO;
        for (Vm vm : vmsOn(hostId, room, except)) {
            used = used.plus(vm.demand());
        }
        return used;
    }

    /**
     * The room as it will be once every claim's operation is done: each claimed VM running on its host. Admission
     * control reads this, so a VM being started counts among the VMs a failure would have to restart.
     */
    public Room applyTo(Room room) {
        Room after = room;
        for (Claim claim : claims) {
            after = after.with(claim.vm().withHost(claim.hostId()).withState(VmState.RUNNING));
        }
        return after;
    }

    private static boolean shown(Claim claim, Room room) {
        return room.vm(claim.vm().id())
                .filter(vm -> vm.hostId().filter(claim.hostId()::equals).isPresent())
                .filter(vm -> vm.state() != VmState.STOPPED)
                .isPresent();
    }
}
