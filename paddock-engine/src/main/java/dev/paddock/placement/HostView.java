package dev.paddock.placement;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import java.util.List;

/**
 * A host as placement sees it: the host, the VMs it holds and what they leave free.
 *
 * @param used the demand of the VMs on it that are not stopped (as {@link dev.paddock.model.Room#used})
 */
public record HostView(Host host, List<Vm> vms, Resources used) {
    public HostView {
        vms = List.copyOf(vms);
    }

    public Resources free() {
        return host.capacity().minus(used);
    }

    public String id() {
        return host.id();
    }
}
