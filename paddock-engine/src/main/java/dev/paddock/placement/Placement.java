package dev.paddock.placement;

import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The answer of first placement: a host, or why no host can take the VM. */
public sealed interface Placement {

    /** Every host that was rejected, by host id, with the first filter that rejected it. */
    Map<String, Reject> rejections();

    /** The VM goes on {@code host}; {@code score} is its weighted score, other hosts' rejections are kept. */
    record Placed(Host host, int score, Map<String, Reject> rejections) implements Placement {
        public Placed {
            rejections = Map.copyOf(rejections);
        }
    }

    /** No host passed every filter. */
    record Unplaceable(Map<String, Reject> rejections) implements Placement {
        public Unplaceable {
            rejections = Map.copyOf(rejections);
        }

        /**
         * The one sentence every placement path gives (create, migrate, evacuation, HA restart, admission control):
         * "No host of cluster 'prod-a' has room for VM 'x': esx-par-01: not enough cpu (millicores): needs 1000,
         * 0 free; esx-par-02: ...". Hosts are named, in room order.
         */
        public String explain(Room room, Vm vm) {
            String cluster = room.cluster(vm.clusterId()).map(Cluster::name).orElse(vm.clusterId());
            return "No host of cluster '" + cluster + "' has room for VM '" + vm.name() + "': " + reasons(room) + ".";
        }

        /** The sentence when one host was asked for (a start on the VM's own host, a create on a named host). */
        public String explainOn(Room room, Vm vm) {
            return rejections.entrySet().stream().findFirst()
                    .map(e -> "Host '" + room.host(e.getKey()).map(Host::name).orElse(e.getKey())
                            + "' has no room for VM '" + vm.name() + "': " + e.getValue().describe() + ".")
                    .orElseGet(() -> explain(room, vm));
        }

        private String reasons(Room room) {
            if (rejections.isEmpty()) {
                return "the cluster has no host that may take it";
            }
            List<String> parts = new ArrayList<>();
            for (Host host : room.hosts()) {
                Reject reject = rejections.get(host.id());
                if (reject != null) {
                    parts.add(host.name() + ": " + reject.describe());
                }
            }
            rejections.keySet().stream().filter(id -> room.host(id).isEmpty()).sorted()
                    .forEach(id -> parts.add(id + ": " + rejections.get(id).describe()));
            return String.join("; ", parts);
        }
    }
}
