package dev.paddock.api;

import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.MacAddresses;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.network.NetworkRepair;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import dev.paddock.audit.AuditChange;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Networks: read them; declare one for a whole site, or make one on chosen hosts as an Operation that defines it on
 * each host, then records it (a failure on one host undoes the hosts done before it).
 */
final class NetworkRoutes {


    private final InventoryStore store;
    private final Operations operations;
    private final Hypervisor hypervisor;
    private final AuditTrail audit;

    NetworkRoutes(InventoryStore store, Operations operations, Hypervisor hypervisor, AuditTrail audit) {
        this.store = store;
        this.operations = operations;
        this.hypervisor = hypervisor;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.list(base + "/networks", Permission.NETWORK_READ, ctx -> ctx.json(InventoryRoutes.whole(
                Visible.to(ctx).only(store.networks(), Visible.to(ctx)::network))));
        routes.get(base + "/networks/{id}", Permission.NETWORK_READ, ctx -> ctx.json(store.network(InventoryRoutes.id(ctx))
                .orElseThrow(() -> InventoryRoutes.missing("network", ctx))));
        routes.post(base + "/networks", Permission.NETWORK_MANAGE, this::create);
        routes.delete(base + "/networks/{id}", Permission.NETWORK_MANAGE, this::delete);
        routes.post(base + "/networks/{id}/repair", Permission.NETWORK_MANAGE, this::repair);
        routes.put(base + "/vms/{id}/nics/{mac}/mirror", Permission.NETWORK_MANAGE, ctx -> mirror(ctx, true));
        routes.delete(base + "/vms/{id}/nics/{mac}/mirror", Permission.NETWORK_MANAGE, ctx -> mirror(ctx, false));
    }

    /**
     * Removes a network: refused (409) while a VM has a NIC on it; a declared one is forgotten at once (204); one
     * carried by hosts is undefined on each of them, then forgotten, as one operation (202).
     */
    private void delete(Context ctx) {
        Network network = store.network(InventoryRoutes.id(ctx))
                .orElseThrow(() -> InventoryRoutes.missing("network", ctx));
        List<String> users = store.room().vms().stream()
                .filter(vm -> vm.nics().stream().anyMatch(nic -> nic.networkId().equals(network.id())))
                .map(dev.paddock.model.Vm::name).sorted().toList();
        if (!users.isEmpty()) {
            throw new PaddockException.Conflict("Network '" + network.name() + "' is used by NICs of " + users.size()
                    + " VM(s) (" + String.join(", ", users.subList(0, Math.min(5, users.size())))
                    + (users.size() > 5 ? ", ..." : "") + "): remove those NICs or VMs first.");
        }
        if (network.carriers().isEmpty()) {
            store.deleteNetwork(network.id());
            audit.record(ctx, new AuditNote("network.delete", network.id(), "forget declared network " + network.name(),
                    AuditChange.removed(network)));
            ctx.status(204);
            return;
        }
        List<Step> steps = new ArrayList<>();
        network.carriers().forEach((hostId, carrier) -> steps.add(new Step.UndefineNetwork(hostId,
                carrier.libvirtName())));
        steps.add(new Step.ForgetNetwork(network.id()));
        OperationView view = operations.submit(new OperationPlan("network.delete", network.id(), Guard.caller(ctx).name(), steps));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "delete network " + network.name() + " from hosts "
                + String.join(", ", network.carriers().keySet()) + " in operation " + view.id(),
                AuditChange.removed(network)));
        VmRoutes.accepted(ctx, view);
    }

    /**
     * Lays the network anew on each host that lays it otherwise than the others agree ({@link Network#drift}): its
     * libvirt network there undefined and defined as the agreed layout says, then the network recorded as carried so.
     * Refused (409) when the hosts agree, and while a VM runs on a drifted host with a NIC on the network (its port
     * would keep the old layout until it restarts); a network declared by hand has no hosts to repair (422).
     */
    private void repair(Context ctx) {
        Network network = store.network(InventoryRoutes.id(ctx))
                .orElseThrow(() -> InventoryRoutes.missing("network", ctx));
        if (!network.hasCarriers()) {
            throw new PaddockException.InvalidValue("Network '" + network.name() + "' was declared by hand: no host"
                    + " of it is Paddock's to lay anew.");
        }
        switch (NetworkRepair.of(network, store.room(), Guard.caller(ctx).name())) {
            case NetworkRepair.Agreed agreed -> throw new PaddockException.Conflict("The hosts of network '"
                    + network.name() + "' agree: all lay it " + agreed.agreed() + ". Nothing to repair.");
            case NetworkRepair.Blocked blocked -> throw new PaddockException.Conflict(blocked.reasons().getFirst());
            case NetworkRepair.Repair repair -> {
                OperationView view = operations.submit(repair.plan());
                audit.record(ctx, new AuditNote(view.kind(), view.target(), "lay network " + network.name() + " "
                        + repair.agreed() + " anew on hosts " + String.join(", ", repair.hostNames())
                        + " (operation " + view.id() + ")"));
                VmRoutes.accepted(ctx, view);
            }
        }
    }

    private void create(Context ctx) {
        Requests.NewNetwork request = RequestBody.read(ctx, Requests.NewNetwork.class);
        String siteId = Requests.required(request.siteId(), "siteId");
        if (store.site(siteId).isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'siteId' names no site: '" + siteId + "'.");
        }
        String name = Requests.name(request.name(), "name");
        OptionalInt vlan = OptionalInt.empty();
        if (request.vlan() != null) {
            vlan = OptionalInt.of((int) Requests.between(request.vlan(), 1, 4094, "vlan", ""));
        }
        boolean isolated = Boolean.TRUE.equals(request.isolated());
        List<String> hosts = request.hosts() == null ? List.of() : request.hosts();
        if (hosts.isEmpty()) {
            if (request.bridge() != null || request.switchName() != null) {
                throw new PaddockException.InvalidValue("Field '" + (request.bridge() != null ? "bridge" : "switch")
                        + "' needs 'hosts': a " + (request.bridge() != null ? "bridge" : "switch") + " is a host's.");
            }
            Network network = new Network(InventoryRoutes.newId(), siteId, name, vlan, isolated, Set.of());
            InventoryRoutes.put(() -> store.put(network), "network", name);
            InventoryRoutes.created(ctx, "networks", network.id(), network);
            return;
        }
        if (request.bridge() != null && request.switchName() != null) {
            throw new PaddockException.InvalidValue("Fields 'bridge' and 'switch' exclude each other: a network is"
                    + " laid over a Linux bridge or over an Open vSwitch switch.");
        }
        if (vlan.isPresent() && request.switchName() == null) {
            throw new PaddockException.InvalidValue("Field 'vlan' with 'hosts' needs 'switch': a VLAN tag needs an"
                    + " Open vSwitch switch, and a Linux bridge takes none.");
        }
        NetworkSpec spec = request.switchName() != null ? switchSpec(name, request.switchName(), vlan)
                : spec(name, Optional.ofNullable(request.bridge()));
        Room room = store.room();
        if (room.networks().stream().anyMatch(n -> n.siteId().equals(siteId) && n.name().equals(name))) {
            throw InventoryRoutes.duplicate("network", name);
        }
        List<Host> chosen = hostsOf(hosts, siteId, room);
        chosen.forEach(host -> requireBridge(host, spec));
        chosen.forEach(host -> requireAgreement(host, spec));
        OperationView view = operations.submit(plan(new Network(Network.idFor(siteId, name), siteId, name,
                vlan, isolated, Set.of()), spec, chosen, Guard.caller(ctx).name()));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "create network " + name + " on hosts "
                + String.join(", ", chosen.stream().map(Host::name).toList()) + " (operation " + view.id() + ")"));
        VmRoutes.accepted(ctx, view);
    }

    /**
     * Switches the mirror of a running VM's NIC on (as the request says) or off: its port's traffic copied out of
     * another port of its switch, for an intrusion detection system. The VM's record keeps it.
     */
    private void mirror(Context ctx, boolean on) {
        Vm vm = store.vm(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("VM", ctx));
        String asked = ctx.pathParam("mac");
        String mac = MacAddresses.normalize(asked).orElseThrow(() -> new PaddockException.InvalidValue(
                "'" + asked + "' is not a MAC address."));
        Nic nic = vm.nics().stream().filter(n -> n.mac().equals(mac)).findFirst().orElseThrow(() ->
                new PaddockException.NotFound("VM '" + vm.name() + "' has no NIC " + mac + "."));
        Optional<Nic.Mirror> mirror = Optional.empty();
        if (on) {
            Requests.NewMirror request = RequestBody.read(ctx, Requests.NewMirror.class);
            String port = Requests.required(request.port(), "port");
            Nic.Direction direction = switch (request.direction() == null ? "both" : request.direction()) {
                case "in" -> Nic.Direction.IN;
                case "out" -> Nic.Direction.OUT;
                case "both" -> Nic.Direction.BOTH;
                default -> throw new PaddockException.InvalidValue("Field 'direction' is in, out or both, not '"
                        + request.direction() + "'.");
            };
            try {
                mirror = Optional.of(new Nic.Mirror(port, direction));
            } catch (IllegalArgumentException e) {
                throw new PaddockException.InvalidValue("Field 'port': " + e.getMessage());
            }
        }
        String host = vm.hostId().orElseThrow(() -> new PaddockException.Conflict("VM '" + vm.name()
                + "' is on no host: only a running VM's port is mirrored."));
        if (vm.state() != VmState.RUNNING && vm.state() != VmState.PAUSED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is " + vm.state().name().toLowerCase(
                    java.util.Locale.ROOT) + ": only a running VM's port is mirrored.");
        }
        if (mirror.isPresent()) {
            requirePort(vm, host, mac, mirror.get().port());
        }
        Optional<Nic.Mirror> wanted = mirror;
        List<Nic> nics = vm.nics().stream().map(n -> n.mac().equals(mac) ? n.withMirror(wanted) : n).toList();
        Step.MirrorNic step = new Step.MirrorNic(host, vm.id(), mac, mirror, nic.mirror());
        OperationView view = operations.submit(new OperationPlan(on ? "vm.mirror" : "vm.unmirror", vm.id(),
                Guard.caller(ctx).name(), List.of(step, new Step.RecordVm(vm.withNics(nics)))));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), step.describe() + " (VM " + vm.name()
                + ", operation " + view.id() + ")"));
        VmRoutes.accepted(ctx, view);
    }

    /**
     * A mirror to a port the NIC's switch lacks is refused before anything is asked of it. A host that does not
     * answer now is left to the operation.
     */
    private void requirePort(Vm vm, String hostId, String mac, String port) {
        try {
            List<String> ports = hypervisor.switchPorts(hostId, vm.id(), mac);
            if (!ports.isEmpty() && !ports.contains(port)) {
                throw new PaddockException.InvalidValue("Field 'port': the switch of NIC " + mac + " of VM '"
                        + vm.name() + "' has no port '" + port + "'.");
            }
        } catch (HypervisorException e) {
            // The operation finds out.
        }
    }

    /** Defines the network on each host in turn, then records it carried by all of them. */
    static OperationPlan plan(Network network, NetworkSpec spec, List<Host> hosts, String owner) {
        List<Step> steps = new ArrayList<>();
        Map<String, Network.Carrier> carriers = new LinkedHashMap<>();
        for (Host host : hosts) {
            steps.add(new Step.DefineNetwork(host.id(), spec));
            carriers.put(host.id(), new Network.Carrier(spec.name(), spec.bridge(), false, spec.openvswitch(),
                    spec.vlan()));
        }
        steps.add(new Step.RecordNetwork(network.withCarriers(carriers)));
        return new OperationPlan("network.create", network.id(), owner, steps);
    }

    private static NetworkSpec switchSpec(String name, String switchName, OptionalInt vlan) {
        try {
            return NetworkSpec.overSwitch(name, switchName, vlan);
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field 'switch': " + e.getMessage() + ".");
        }
    }

    private static NetworkSpec spec(String name, Optional<String> bridge) {
        try {
            return new NetworkSpec(name, bridge);
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field '" + (bridge.isPresent() ? "bridge" : "name") + "': "
                    + e.getMessage() + ".");
        }
    }

    /** The hosts a request names, by id or by name, each in the network's site, each once. */
    private static List<Host> hostsOf(List<String> requested, String siteId, Room room) {
        List<Host> hosts = new ArrayList<>();
        for (String idOrName : requested) {
            Host host = Optional.ofNullable(idOrName).flatMap(room::host)
                    .or(() -> room.hosts().stream().filter(h -> h.name().equals(idOrName)).findFirst())
                    .orElseThrow(() -> new PaddockException.InvalidValue("Field 'hosts' names no host: '" + idOrName
                            + "'."));
            String hostSite = room.cluster(host.clusterId()).map(Cluster::siteId).orElse("");
            if (!hostSite.equals(siteId)) {
                throw new PaddockException.InvalidValue("Host '" + host.name() + "' is not in site '" + siteId
                        + "'.");
            }
            if (hosts.contains(host)) {
                throw new PaddockException.InvalidValue("Field 'hosts' names host '" + host.name() + "' twice.");
            }
            hosts.add(host);
        }
        return hosts;
    }

    /**
     * A network is the same on each of its hosts: a host that has a libvirt network of its name laid otherwise (another
     * VLAN, another switch) is refused before anything is made. A host that does not answer now is left to the
     * operation.
     */
    private void requireAgreement(Host host, NetworkSpec spec) {
        try {
            hypervisor.networks(host.id()).stream()
                    .filter(held -> held.name().equals(spec.name()) && !spec.isHeldAs(held)).findFirst()
                    .ifPresent(held -> {
                        throw new PaddockException.Conflict("Host '" + host.name() + "' has a network '" + spec.name()
                                + "' already, " + NetworkSpec.describe(held) + ", not " + spec.describe()
                                + ": a network is the same on each of its hosts.");
                    });
        } catch (HypervisorException e) {
            // The operation finds out.
        }
    }

    /**
     * A bridge-mode network is refused before anything is made on a host that has no such bridge. A host that does
     * not answer now is left to the operation, which fails on it and undoes the others.
     */
    private void requireBridge(Host host, NetworkSpec spec) {
        // a switch is no Linux bridge: the host says whether it has one when the network is defined there
        if (spec.hostBridge().isEmpty() || spec.openvswitch()) {
            return;
        }
        try {
            if (hypervisor.bridge(host.id(), spec.bridge()).isEmpty()) {
                List<String> known = hypervisor.bridges(host.id()).stream().map(HostBridge::name).toList();
                throw new PaddockException.InvalidValue("Host '" + host.name() + "' has no bridge '" + spec.bridge()
                        + "'" + (known.isEmpty() ? "." : "; it has " + String.join(", ", known) + "."));
            }
        } catch (HypervisorException e) {
            // The operation finds out, and undoes the hosts done before this one.
        }
    }
}
