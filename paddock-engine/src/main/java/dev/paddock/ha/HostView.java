package dev.paddock.ha;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import java.util.HashSet;
import java.util.Set;

/**
 * A surviving host as a failover plan fills it: what is still free and which anti-affinity groups it holds,
 * counting the restarts planned so far.
 */
public record HostView(Host host, Resources free, Set<String> antiAffinityGroups) {
    public HostView {
        antiAffinityGroups = Set.copyOf(antiAffinityGroups);
    }

    public String id() {
        return host.id();
    }

    HostView receiving(dev.paddock.model.Vm vm) {
        Set<String> groups = new HashSet<>(antiAffinityGroups);
        groups.addAll(vm.antiAffinityGroups());
        return new HostView(host, free.minus(vm.demand()), groups);
    }
}
