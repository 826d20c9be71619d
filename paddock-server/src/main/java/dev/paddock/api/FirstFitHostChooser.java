package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.Optional;

/** The first host of the VM's cluster, in room order, that accepts VMs and has the VM's demand free. */
public final class FirstFitHostChooser implements HostChooser {

    @Override
    public Optional<Host> choose(Vm vm, Room room) {
        return room.hosts().stream()
                .filter(host -> host.clusterId().equals(vm.clusterId()))
                .filter(Host::acceptsVms)
                .filter(host -> vm.demand().plus(room.used(host.id())).fitsIn(host.capacity()))
                .findFirst();
    }
}
