package dev.paddock.licensing;

import dev.paddock.model.Licence;
import dev.paddock.model.Licensing;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the room's VMs now bind their licences: a running (or paused) VM carrying a licence the room defines binds it
 * to its host; a binding that names another host is a reassignment, dated {@code now}. Pure.
 */
public final class LicenceBindings {

    private LicenceBindings() {
    }

    /** The bindings to write: new ones, and reassignments. */
    public static List<Licensing.Binding> changes(Room room, Instant now) {
        List<Licensing.Binding> changes = new ArrayList<>();
        for (Vm vm : room.vms()) {
            if (vm.hostId().isEmpty() || (vm.state() != VmState.RUNNING && vm.state() != VmState.PAUSED)) {
                continue;
            }
            String hostId = vm.hostId().get();
            for (String name : vm.licences()) {
                Optional<Licence> licence = room.licensing().licence(name);
                if (licence.isEmpty()) {
                    continue;
                }
                Optional<Licensing.Binding> bound = room.licensing().binding(vm.id(), name);
                if (bound.isEmpty() || !bound.get().hostId().equals(hostId)) {
                    changes.add(new Licensing.Binding(vm.id(), name, hostId, now));
                }
            }
        }
        return changes;
    }
}
