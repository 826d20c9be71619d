package dev.paddock.ha;

import dev.paddock.model.Vm;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses, among the hosts that passed every {@link RestartFilter}, where a VM restarts. The seam where the
 * placement engine's scoring replaces the default.
 */
@FunctionalInterface
public interface HostPicker {

    Optional<HostView> pick(Vm vm, List<HostView> feasible);

    /** The host with the most memory left after the restart, then the most cpu, then the lowest id: spreads load. */
    static HostPicker mostFreeMemory() {
        Comparator<HostView> order = Comparator
                .comparingLong((HostView h) -> h.free().memoryMib()).reversed()
                .thenComparing(Comparator.comparingLong((HostView h) -> h.free().cpuMillicores()).reversed())
                .thenComparing(HostView::id);
        return (vm, feasible) -> feasible.stream().min(order);
    }
}
