package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The first host of the VM's cluster, in room order, that accepts VMs and has the VM's demand free;
 * every host passed over says why.
 */
public final class FirstFitHostChooser implements HostChooser {

    @Override
    public Placement choose(Vm vm, Room room) {
        List<String> reasons = new ArrayList<>();
        for (Host host : room.hosts()) {
            if (!host.clusterId().equals(vm.clusterId())) {
                continue;
            }
            Optional<String> refusal = refusal(vm, host, room);
            if (refusal.isEmpty()) {
                return new Placed(host);
            }
            reasons.add(refusal.get());
        }
        if (reasons.isEmpty()) {
            reasons.add("the cluster has no hosts");
        }
        return new Unplaceable(reasons);
    }

    /** Why {@code host} cannot take {@code vm} now, or empty when it can. */
    static Optional<String> refusal(Vm vm, Host host, Room room) {
        if (!host.acceptsVms()) {
            return Optional.of(host.name() + " takes no new VMs (" + host.state().name().toLowerCase(Locale.ROOT)
                    + ", power " + host.power().name().toLowerCase(Locale.ROOT) + ")");
        }
        Resources free = host.capacity().minus(room.used(host.id()));
        return vm.demand().firstExcess(free).map(kind -> host.name() + " has " + Math.max(0, free.get(kind)) + " "
                + kind.unit() + " of " + kind.label() + " free, " + vm.demand().get(kind) + " needed");
    }
}
