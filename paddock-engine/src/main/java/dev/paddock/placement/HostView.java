package dev.paddock.placement;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.List;

/**
 * A host as placement sees it: the host, the VMs it holds and what they leave free.
 *
 * @param vms the VMs on it, claimed ones included
 * @param used the demand of the VMs on it that are not stopped (as {@link Room#used}), plus what unfinished
 *     operations have claimed on it ({@link Claims})
 */
public record HostView(Host host, List<Vm> vms, Resources used) {
    public HostView {
        vms = List.copyOf(vms);
    }

    /**
     * The host without {@code vm} itself, so that placing a VM again (a restart, a move) does not count it twice,
     * with the room {@code claims} hold on it.
     */
    public static HostView of(Room room, Claims claims, Host host, Vm vm) {
        List<Vm> on = new ArrayList<>(room.vmsOn(host.id()));
        on.removeIf(v -> v.id().equals(vm.id()));
        Room without = vm.hostId().filter(host.id()::equals).isPresent() ? room.withoutVm(vm.id()) : room;
        on.addAll(claims.vmsOn(host.id(), room, vm.id()));
        return new HostView(host, on, without.used(host.id()).plus(claims.usedOn(host.id(), room, vm.id())));
    }

    /** The host once {@code vm} runs on it: how a plan that places several VMs charges each choice. */
    public HostView receiving(Vm vm) {
        List<Vm> on = new ArrayList<>(vms);
        on.add(vm);
        return new HostView(host, on, used.plus(vm.demand()));
    }

    /** The host once {@code vm} has left it: how a plan that moves several VMs charges each move's source. */
    public HostView leaving(Vm vm) {
        List<Vm> on = new ArrayList<>(vms);
        if (!on.removeIf(v -> v.id().equals(vm.id()))) {
            return this;
        }
        return new HostView(host, on, vm.state() == dev.paddock.model.VmState.STOPPED ? used
                : used.minus(vm.demand()));
    }

    public Resources free() {
        return host.capacity().minus(used);
    }

    public String id() {
        return host.id();
    }
}
