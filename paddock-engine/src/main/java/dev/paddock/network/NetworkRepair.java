package dev.paddock.network;

import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.model.Host;
import dev.paddock.model.Network;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a network whose hosts disagree ({@link Network#drift}) is laid anew on the hosts that lay it otherwise: its
 * libvirt network there undefined and defined as the agreed layout says, then the network recorded as carried so. A
 * VM running on such a host with a NIC on the network blocks it: its port would keep the old layout until it
 * restarts. Pure.
 */
public final class NetworkRepair {

    /** The kind of a repair's operation. */
    public static final String KIND = "network.repair";

    private NetworkRepair() {
    }

    /** What a repair of a network can be. */
    public sealed interface Verdict {}

    /** Its hosts agree ({@code agreed} names how; empty for a network without carriers). */
    public record Agreed(String agreed) implements Verdict {}

    /** VMs run on drifted hosts with a NIC on it: one sentence each. */
    public record Blocked(List<String> reasons) implements Verdict {}

    /** The operation that repairs it. */
    public record Repair(OperationPlan plan, List<String> hostNames, String agreed) implements Verdict {}

    public static Verdict of(Network network, Room room, String owner) {
        Map<String, Network.Layout> drift = network.drift();
        if (drift.isEmpty()) {
            return new Agreed(network.agreedLayout().map(Network.Layout::describe).orElse(""));
        }
        Network.Layout agreed = network.agreedLayout().orElseThrow();
        List<String> reasons = new ArrayList<>();
        for (String hostId : drift.keySet()) {
            for (Vm vm : room.vmsOn(hostId)) {
                boolean joined = vm.nics().stream().anyMatch(nic -> nic.networkId().equals(network.id()));
                if (joined && (vm.state() == VmState.RUNNING || vm.state() == VmState.PAUSED)) {
                    reasons.add("VM '" + vm.name() + "' runs on host " + hostName(room, hostId) + " with a NIC on"
                            + " network '" + network.name() + "': stop or migrate it before the network is laid anew"
                            + " there.");
                }
            }
        }
        if (!reasons.isEmpty()) {
            return new Blocked(reasons);
        }
        List<Step> steps = new ArrayList<>();
        Map<String, Network.Carrier> carriers = new LinkedHashMap<>(network.carriers());
        List<String> hosts = new ArrayList<>();
        drift.forEach((hostId, layout) -> {
            Network.Carrier carrier = network.carriers().get(hostId);
            NetworkSpec spec = specOf(carrier.libvirtName(), agreed);
            steps.add(new Step.UndefineNetwork(hostId, carrier.libvirtName()));
            steps.add(new Step.DefineNetwork(hostId, spec));
            carriers.put(hostId, new Network.Carrier(spec.name(), spec.bridge(), false, spec.openvswitch(),
                    spec.vlan()));
            hosts.add(hostName(room, hostId));
        });
        steps.add(new Step.RecordNetwork(network.withCarriers(carriers)));
        return new Repair(new OperationPlan(KIND, network.id(), owner, steps), hosts, agreed.describe());
    }

    /** The libvirt network {@code name} laid as {@code layout} says. */
    public static NetworkSpec specOf(String name, Network.Layout layout) {
        if (layout.openvswitch()) {
            return NetworkSpec.overSwitch(name, layout.bridge(), layout.vlan());
        }
        NetworkSpec isolated = NetworkSpec.isolated(name);
        return layout.bridge().equals(isolated.bridge()) ? isolated : NetworkSpec.overBridge(name, layout.bridge());
    }

    private static String hostName(Room room, String hostId) {
        return room.host(hostId).map(Host::name).orElse(hostId);
    }
}
