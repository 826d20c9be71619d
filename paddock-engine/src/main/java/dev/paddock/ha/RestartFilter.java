package dev.paddock.ha;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One reason a surviving host cannot take a VM back. Filters are cheap, independent and composed in
 * {@link FailoverPlanner#FILTERS}; every rejection is kept, so an unplaced VM explains itself.
 */
public sealed interface RestartFilter
        permits RestartFilter.Licences, RestartFilter.Datastores, RestartFilter.AntiAffinity,
                RestartFilter.Capacity {

    /** Empty when the host may take the VM. */
    Optional<Rejection> test(Vm vm, HostView host, Room room);

    /** Why one host was refused. */
    record Rejection(String hostId, String filter, String reason) {
        @Override
        public String toString() {
            return hostId + " (" + filter + "): " + reason;
        }
    }

    /** The host carries every licence the VM needs. */
    record Licences() implements RestartFilter {
        public Optional<Rejection> test(Vm vm, HostView host, Room room) {
            Set<String> missing = new TreeSet<>(vm.licences());
            missing.removeAll(host.host().licences());
            return missing.isEmpty() ? Optional.empty()
                    : Optional.of(new Rejection(host.id(), "licences", "lacks licence " + String.join(", ", missing)));
        }
    }

    /** The host reaches every datastore that holds one of the VM's disks: no disk, no restart. */
    record Datastores() implements RestartFilter {
        public Optional<Rejection> test(Vm vm, HostView host, Room room) {
            Set<String> unreachable = new TreeSet<>();
            for (Disk disk : vm.disks()) {
                boolean reaches = room.datastore(disk.datastoreId())
                        .map(Datastore::hostIds)
                        .filter(hosts -> hosts.contains(host.id()))
                        .isPresent();
                if (!reaches) {
                    unreachable.add(disk.datastoreId());
                }
            }
            return unreachable.isEmpty() ? Optional.empty() : Optional.of(new Rejection(host.id(), "datastores",
                    "does not reach datastore " + String.join(", ", unreachable)));
        }
    }

    /** The host runs no VM of the VM's anti-affinity groups, restarts planned so far included. */
    record AntiAffinity() implements RestartFilter {
        public Optional<Rejection> test(Vm vm, HostView host, Room room) {
            Set<String> shared = new HashSet<>(vm.antiAffinityGroups());
            shared.retainAll(host.antiAffinityGroups());
            return shared.isEmpty() ? Optional.empty() : Optional.of(new Rejection(host.id(), "anti-affinity",
                    "runs a VM of anti-affinity group " + String.join(", ", new TreeSet<>(shared))));
        }
    }

    /** The VM's demand fits in what the host has free. */
    record Capacity() implements RestartFilter {
        public Optional<Rejection> test(Vm vm, HostView host, Room room) {
            return vm.demand().firstExcess(host.free()).map(kind -> new Rejection(host.id(), "capacity",
                    "needs " + vm.demand().get(kind) + " " + kind.unit() + " of " + kind.label() + ", has "
                            + Math.max(0, host.free().get(kind)) + " free"));
        }
    }
}
