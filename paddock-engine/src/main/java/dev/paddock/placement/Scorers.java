package dev.paddock.placement;

import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;

/** The preferences of first placement, each a small named type. */
public final class Scorers {
    private Scorers() {}

    /**
     * Spread: the emptier the host stays after the VM lands, the better. 100 × (1 − the largest utilisation among
     * the dimensions, once the VM is added).
     */
    public record Balance() implements HostScorer {
        public int score(Vm vm, HostView host, Room room) {
            return 100 - utilisationAfter(vm, host);
        }
    }

    /** Pack: the fuller the host after the VM lands, the better (frees whole hosts for power-off). */
    public record Packing() implements HostScorer {
        public int score(Vm vm, HostView host, Room room) {
            return utilisationAfter(vm, host);
        }
    }

    /** Affinity: 100 when a VM sharing one of the VM's affinity groups is already on the host, else 0. */
    public record Affinity() implements HostScorer {
        public int score(Vm vm, HostView host, Room room) {
            for (Vm other : host.vms()) {
                for (String group : other.affinityGroups()) {
                    if (vm.affinityGroups().contains(group)) {
                        return 100;
                    }
                }
            }
            return 0;
        }
    }

    /** The largest utilisation in percent among the dimensions the host has, once the VM is added. */
    static int utilisationAfter(Vm vm, HostView host) {
        Resources after = host.used().plus(vm.demand());
        long worst = 0;
        for (Resources.Kind kind : Resources.Kind.values()) {
            long capacity = host.host().capacity().get(kind);
            if (capacity > 0) {
                worst = Math.max(worst, Math.min(100, after.get(kind) * 100 / capacity));
            }
        }
        return (int) worst;
    }
}
