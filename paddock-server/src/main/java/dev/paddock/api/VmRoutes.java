package dev.paddock.api;

import dev.paddock.ha.AdmissionControl;
import dev.paddock.ha.AdmissionVerdict;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.BootDevice;
import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Firmware;
import dev.paddock.model.Host;
import dev.paddock.model.MacAddresses;
import dev.paddock.model.Maxima;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Template;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.placement.Claims;
import dev.paddock.placement.Placement;
import dev.paddock.placement.PlacementEngine;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import dev.paddock.audit.AuditChange;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** VMs: list and read them; create, start, stop, migrate and delete them, each as an Operation. */
final class VmRoutes {

    static final int MAX_HA_PRIORITY = 1000;
    private static final int MAX_SHUTDOWN_SECONDS = 3600;
    private static final String MAC_KEY = "mac:";

    private final InventoryStore store;
    private final Operations operations;
    /** Spreads new VMs and moves; every path that places a VM asks it, so every refusal reads the same. */
    static final PlacementEngine ENGINE = PlacementEngine.balancing();
    /**
     * The same engine for a live migration, which may copy a VM's local disks to the target's pool of that name;
     * its target must have the CPU of the VM's host.
     */
    static final PlacementEngine MOVES = PlacementEngine.liveMigration();
    /** The same engine for a host's evacuation: VMs that keep running, onto hosts with their host's CPU. */
    static final PlacementEngine LIVE_MOVES = PlacementEngine.liveMove();
    /** The highest migration bandwidth cap a request may ask: 100 GiB/s, above any link. */
    static final long MAX_MIGRATION_MIBPS = 102_400;

    private final PlacementLedger ledger;
    private final Hypervisor hypervisor;
    private final AuditTrail audit;
    /**
     * Names of VMs whose create operation has not yet recorded them, by cluster and name, and the MACs of their NICs
     * (under {@link #MAC_KEY}), so that two quick creates of one name or one MAC are told apart before the second
     * reaches the journal.
     */
    private final Map<String, String> pendingNames = new ConcurrentHashMap<>();

    private final ImageRoutes images;

    VmRoutes(InventoryStore store, Operations operations, Hypervisor hypervisor, PlacementLedger ledger,
            AuditTrail audit) {
        this.audit = audit;
        this.store = store;
        this.hypervisor = hypervisor;
        this.operations = operations;
        this.ledger = ledger;
        this.images = new ImageRoutes(store, hypervisor, audit);
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.list(base + "/vms", Permission.VM_READ, ctx -> ctx.json(VmListing.asked(ctx) ? VmListing.of(ctx, store)
                : Visible.to(ctx).page(store::vms, Visible.to(ctx)::vm, Query.offset(ctx), Query.limit(ctx))));
        routes.get(base + "/vms/{id}", Permission.VM_READ, ctx -> ctx.json(vm(ctx)));
        routes.expensive().post(base + "/vms", Permission.VM_CREATE, this::create);
        routes.post(base + "/vms/{id}/start", Permission.VM_POWER, this::start);
        routes.post(base + "/vms/{id}/stop", Permission.VM_POWER, this::stop);
        routes.expensive().post(base + "/vms/{id}/migrate", Permission.VM_MIGRATE, this::migrate);
        routes.patch(base + "/vms/{id}", Permission.VM_CONFIGURE, this::reconfigure);
        routes.delete(base + "/vms/{id}", Permission.VM_DELETE, this::delete);
        routes.post(base + "/vms/{id}/adopt", Permission.VM_CONFIGURE, this::adopt);
        routes.post(base + "/vms/{id}/quarantine", Permission.VM_POWER, this::quarantine);
    }

    private Vm vm(Context ctx) {
        return store.vm(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("VM", ctx));
    }

    private void create(Context ctx) {
        Requests.NewVm request = RequestBody.read(ctx, Requests.NewVm.class);
        String name = Requests.name(request.name(), "name");
        Optional<Template> template = Optional.ofNullable(request.template()).map(asked -> store.template(asked)
                .or(() -> store.templateByName(asked))
                .orElseThrow(() -> new PaddockException.InvalidValue("Field 'template' names no template: '" + asked
                        + "'.")));
        long vcpus = request.cpuMillicores() != null && request.vcpus() == null
                ? (Requests.between(request.cpuMillicores(), 1, 1L << 20, "cpuMillicores", " millicores") + 999) / 1000
                : request.vcpus() != null || template.isEmpty() ? Requests.required(request.vcpus(), "vcpus")
                : template.get().vcpus();
        long millicores = request.cpuMillicores() == null ? vcpus * 1000 : request.cpuMillicores();
        if ((millicores + 999) / 1000 != vcpus) {
            throw new PaddockException.InvalidValue("Field 'cpuMillicores' (" + millicores + ") gives the guest "
                    + (millicores + 999) / 1000 + " vCPU(s), not the " + vcpus + " 'vcpus' asks; give one of them.");
        }
        long memory = request.memoryMib() != null || template.isEmpty()
                ? Requests.required(request.memoryMib(), "memoryMib") : template.get().memoryMib();
        Firmware firmware = request.firmware() != null || template.isEmpty() ? ImageRoutes.firmware(request.firmware())
                : template.get().firmware();
        List<BootDevice> boot = request.boot() != null || template.isEmpty() ? ImageRoutes.bootOrder(request.boot())
                : template.get().boot();
        Room room = store.room();
        Optional<Host> named = Optional.ofNullable(request.hostId()).map(id -> room.host(id).orElseThrow(
                () -> new PaddockException.InvalidValue("Field 'hostId' names no host: '" + id + "'.")));
        Cluster cluster = cluster(request, named, room);
        List<Host> candidates = named.map(List::of).orElseGet(() -> room.hosts().stream()
                .filter(host -> host.clusterId().equals(cluster.id())).toList());
        if (candidates.isEmpty()) {
            throw new PaddockException.Conflict("Cluster '" + cluster.name() + "' has no hosts to run VMs.");
        }
        Resources largest = largest(candidates);
        String where = named.map(h -> "host '" + h.name() + "' has").orElse("the largest host of cluster '"
                + cluster.name() + "' has");
        Requests.between(vcpus, 1, largest.cores(), "vcpus", " vCPUs (" + where + " "
                + largest.cpuMillicores() / 1000 + ")");
        Requests.between(memory, 1, largest.memoryMib(), "memoryMib", " MiB (" + where + " " + largest.memoryMib()
                + " MiB)");
        Maxima maxima = Requests.maxima(request.maxVcpus(), request.maxMemoryMib(), vcpus, memory, largest, where);
        long disk = Requests.between(orZero(request.diskGib()), 0, largest.diskGib(), "diskGib",
                " GiB (" + where + " " + largest.diskGib() + " GiB)");
        long network = Requests.between(orZero(request.networkMbps()), 0, largest.networkMbps(), "networkMbps",
                " Mbit/s (" + where + " " + largest.networkMbps() + " Mbit/s)");
        int haPriority = (int) Requests.between(request.haPriority() == null ? 0 : request.haPriority(), 0,
                MAX_HA_PRIORITY, "haPriority", "");
        Optional<Watchdog> watchdog = Requests.watchdog(request.watchdog());
        String key = cluster.id() + "/" + name;
        if (store.vmByName(cluster.id(), name).isPresent() || stillPending(key)) {
            throw new PaddockException.Conflict("A VM named '" + name + "' already exists in cluster '"
                    + cluster.name() + "'.");
        }
        List<Nic> requestedNics = requestedNics(request.nics() == null ? List.of() : request.nics(), cluster, room);
        Set<String> licences = licences(request.licences());
        String id = InventoryRoutes.newId();
        NewVmDisks disks = request.template() == null && request.disks() == null && request.cloudInit() == null
                ? NewVmDisks.NONE
                : NewVmDisks.of(request, template, name, id, !requestedNics.isEmpty(), store, images);
        Resources demand = Resources.of(millicores, memory, disk, network);
        boolean start = !Boolean.FALSE.equals(request.start());
        // Built in the room the decision reads, where the MACs it makes are unique.
        Function<Room, Vm> vmIn = now -> new Vm(id, name, cluster.id(), Optional.empty(), demand, VmState.STOPPED,
                VmOrigin.MANAGED, request.tier(), haPriority, Set.of(), Set.of(), licences, disks.disks(),
                withMacs(disks.withSeedAddress(requestedNics), now), watchdog, firmware, boot, maxima);
        if (Query.flag(ctx, "dryRun")) {
            ctx.json(ledger.peek((now, claims) -> {
                Vm vm = vmIn.apply(now);
                Vm running = vm.withState(VmState.RUNNING);
                Predicate<Host> considered = considered(vm, named);
                Placement answer = ENGINE.place(now, claims, running, considered);
                Optional<String> refusal = answer instanceof Placement.Placed placed && start
                        ? refusal(claims.applyTo(now), vm, placed.host().id()) : Optional.empty();
                if (answer instanceof Placement.Unplaceable none && named.isPresent()) {
                    refusal = Optional.of(none.explainOn(now, running));
                }
                return DryRun.of("create", now, running, considered, answer, refusal);
            }));
            return;
        }
        AtomicReference<Host> chosen = new AtomicReference<>();
        AtomicReference<Vm> created = new AtomicReference<>();
        OperationView view = ledger.submit((now, claims) -> {
            Vm vm = vmIn.apply(now);
            Host host = place(vm, named, now, claims);
            chosen.set(host);
            created.set(vm);
            if (start) {
                admit(claims.applyTo(now), vm, host.id());
            }
            Map<String, Datastore> datastores = new HashMap<>();
            now.datastores().forEach(datastore -> datastores.put(datastore.id(), datastore));
            List<Step> storage = disks.steps(host.id(), datastores, vm.id(), vm.nics());
            return Optional.of(VmPlans.create(vm.withHost(host.id()), now, host.id(), start, Guard.caller(ctx).name(), storage));
        }).orElseThrow();
        audited(ctx, view, "create VM " + name + " on host " + chosen.get().name());
        pendingNames.put(key, view.id());
        created.get().nics().forEach(nic -> pendingNames.put(MAC_KEY + nic.mac(), view.id()));
        accepted(ctx, view);
    }

    /**
     * The NICs a create asks for: each on a network named by id, or by name among the networks of the cluster's
     * site, with the MAC it gives (written as libvirt writes it) or none yet. Which hosts carry the network is the
     * placement's to judge.
     */
    private static List<Nic> requestedNics(List<Requests.NewNic> requested, Cluster cluster, Room room) {
        String siteId = cluster.siteId();
        List<Nic> nics = new ArrayList<>(requested.size());
        for (int i = 0; i < requested.size(); i++) {
            String field = "nics[" + i + "]";
            Requests.NewNic nic = Requests.required(requested.get(i), field);
            String idOrName = Requests.required(nic.network(), field + ".network");
            Network network = room.network(idOrName).filter(n -> n.siteId().equals(siteId))
                    .or(() -> room.networks().stream()
                            .filter(n -> n.siteId().equals(siteId) && n.name().equals(idOrName)).findFirst())
                    .orElseThrow(() -> new PaddockException.InvalidValue("Field '" + field + ".network' names no"
                            + " network of the site of cluster '" + cluster.name() + "': '" + idOrName + "'."));
            nics.add(nic(nic, field, network));
        }
        return nics;
    }

    /** The licence names a VM carries: each a name as licences take, once. */
    static Set<String> licences(List<String> asked) {
        if (asked == null) {
            return Set.of();
        }
        for (int i = 0; i < asked.size(); i++) {
            if (asked.get(i) == null || !asked.get(i).matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                throw new PaddockException.InvalidValue("Field 'licences[" + i + "]' is a licence name (letters,"
                        + " digits, '-', '_' and '.', at most 64), not '" + asked.get(i) + "'.");
            }
        }
        return Set.copyOf(asked);
    }

    /** The NIC a request asks for on {@code network}: its MAC (empty for one Paddock makes) and its traffic limits. */
    static Nic nic(Requests.NewNic asked, String field, Network network) {
        String mac = asked.mac() == null || asked.mac().isBlank() ? ""
                : MacAddresses.normalize(asked.mac()).orElseThrow(() -> new PaddockException.InvalidValue(
                        "Field '" + field + ".mac' is not a unicast MAC address: '" + asked.mac() + "'."));
        List<String> addresses = asked.addresses() == null ? List.of() : asked.addresses();
        for (int i = 0; i < addresses.size(); i++) {
            if (!Nic.isIpv4(addresses.get(i))) {
                throw new PaddockException.InvalidValue("Field '" + field + ".addresses[" + i + "]' is not an IPv4"
                        + " address such as 10.0.0.5: '" + addresses.get(i) + "'.");
            }
        }
        return new Nic(network.id(), mac, limit(asked.inboundKbps(), field + ".inboundKbps"),
                limit(asked.outboundKbps(), field + ".outboundKbps"), Optional.empty(), addresses,
                Boolean.TRUE.equals(asked.trusted()));
    }

    private static OptionalLong limit(Long kbps, String field) {
        return kbps == null ? OptionalLong.empty()
                : OptionalLong.of(Requests.between(kbps, Nic.MIN_KBPS, Nic.MAX_KBPS, field, " kbit/s"));
    }

    /**
     * Each NIC with its MAC: the one asked for, unless another VM has it (or a create still running gave it), or
     * one Paddock makes, unique across the room.
     */
    private List<Nic> withMacs(List<Nic> nics, Room room) {
        Set<String> taken = new HashSet<>(MacAddresses.inUse(room));
        for (Nic nic : nics) {
            if (nic.mac().isEmpty()) {
                continue;
            }
            if (!taken.add(nic.mac()) || stillPending(MAC_KEY + nic.mac())) {
                String holder = room.vms().stream().filter(vm -> vm.nics().stream()
                                .anyMatch(other -> other.mac().equals(nic.mac())))
                        .map(vm -> "VM '" + vm.name() + "'").findFirst().orElse("another NIC");
                throw new PaddockException.Conflict("MAC address " + nic.mac() + " is already used by " + holder
                        + ".");
            }
        }
        List<Nic> withMacs = new ArrayList<>(nics.size());
        for (Nic nic : nics) {
            String mac = nic.mac().isEmpty() ? MacAddresses.generate(taken, ThreadLocalRandom.current()) : nic.mac();
            taken.add(mac);
            withMacs.add(nic.withMac(mac));
        }
        return withMacs;
    }

    /**
     * The engine's host for a new VM, in its cluster or on the host the request names, counting the room
     * unfinished operations have claimed. Placed as if running, even when it is only defined: it is defined where
     * it can run.
     */
    private static Host place(Vm vm, Optional<Host> named, Room room, Claims claims) {
        Vm running = vm.withState(VmState.RUNNING);
        Placement answer = ENGINE.place(room, claims, running, considered(vm, named));
        return switch (answer) {
            case Placement.Placed placed -> placed.host();
            case Placement.Unplaceable none -> throw new PaddockException.Conflict(
                    named.isPresent() ? none.explainOn(room, running) : none.explain(room, running));
        };
    }

    /** The hosts a new VM may go to: the one the request names, or those of its cluster. */
    private static Predicate<Host> considered(Vm vm, Optional<Host> named) {
        return named.isPresent() ? host -> host.id().equals(named.get().id())
                : host -> host.clusterId().equals(vm.clusterId());
    }

    /** A create is pending while its operation runs; the store answers for it afterwards. */
    private boolean stillPending(String key) {
        String operationId = pendingNames.get(key);
        if (operationId == null) {
            return false;
        }
        boolean running = operations.get(operationId).map(view -> !view.state().isFinal()).orElse(false);
        if (!running) {
            pendingNames.remove(key, operationId);
        }
        return running;
    }

    private Cluster cluster(Requests.NewVm request, Optional<Host> named, Room room) {
        if (request.clusterId() != null) {
            Cluster cluster = clusterByIdOrName(request.clusterId(), room);
            if (named.isPresent() && !named.get().clusterId().equals(cluster.id())) {
                throw new PaddockException.InvalidValue("Host '" + named.get().name() + "' is not in cluster '"
                        + cluster.name() + "'.");
            }
            return cluster;
        }
        if (named.isPresent()) {
            return room.cluster(named.get().clusterId()).orElseThrow();
        }
        if (room.clusters().size() == 1) {
            return room.clusters().iterator().next();
        }
        throw new PaddockException.InvalidValue("Field 'clusterId' is required: the room has "
                + room.clusters().size() + " clusters.");
    }

    /** A cluster by id, or by name when exactly one cluster has that name. */
    private static Cluster clusterByIdOrName(String idOrName, Room room) {
        Optional<Cluster> byId = room.cluster(idOrName);
        if (byId.isPresent()) {
            return byId.get();
        }
        List<Cluster> named = room.clusters().stream().filter(c -> c.name().equals(idOrName)).toList();
        if (named.size() > 1) {
            throw new PaddockException.InvalidValue("Field 'clusterId': " + named.size() + " clusters are named '"
                    + idOrName + "'; give the id.");
        }
        return named.stream().findFirst().orElseThrow(() -> new PaddockException.InvalidValue(
                "Field 'clusterId' names no cluster: '" + idOrName + "'."));
    }

    private static Resources largest(List<Host> hosts) {
        long[] max = new long[Resources.DIMENSIONS];
        for (Host host : hosts) {
            for (int i = 0; i < max.length; i++) {
                max[i] = Math.max(max[i], host.capacity().get(i));
            }
        }
        return Resources.ofArray(max);
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private void start(Context ctx) {
        Vm vm = vm(ctx);
        String host = placed(vm);
        if (liveState(vm, host) == VmState.RUNNING) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is already running.");
        }
        OperationView view = ledger.submit((room, claims) -> {
            Vm running = room.vm(vm.id()).orElse(vm).withState(VmState.RUNNING);
            if (ENGINE.place(room, claims, running, h -> h.id().equals(host))
                    instanceof Placement.Unplaceable none) {
                throw new PaddockException.Conflict(none.explainOn(room, running));
            }
            admit(claims.applyTo(room), vm, host);
            return Optional.of(VmPlans.start(vm, host, Guard.caller(ctx).name()));
        }).orElseThrow();
        accepted(ctx, audited(ctx, view, "start VM " + vm.name()));
    }

    /**
     * Moves a running VM to the host the body names, or to the one the engine chooses among the others of its
     * cluster; refused with the engine's sentence when it fits nowhere.
     */
    private void migrate(Context ctx) {
        Vm vm = vm(ctx);
        String from = placed(vm);
        Requests.MigrateVm request = ctx.body().isBlank() ? new Requests.MigrateVm(null)
                : RequestBody.read(ctx, Requests.MigrateVm.class);
        Optional<String> target = Optional.ofNullable(request.hostId()).map(idOrName -> hostOf(vm, idOrName));
        Long bandwidth = request.bandwidthMibps() == null ? null
                : Requests.between(request.bandwidthMibps(), 1, MAX_MIGRATION_MIBPS, "bandwidthMibps", " MiB/s");
        if (target.filter(from::equals).isPresent()) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' already runs on host '" + target.get() + "'.");
        }
        VmState state = liveState(vm, from);
        if (state != VmState.RUNNING && state != VmState.PAUSED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is " + state.name().toLowerCase()
                    + "; only a running VM is migrated.");
        }
        Predicate<Host> candidates = target.<Predicate<Host>>map(t -> host -> host.id().equals(t))
                .orElse(host -> !host.id().equals(from) && host.clusterId().equals(vm.clusterId()));
        if (Query.flag(ctx, "dryRun")) {
            ctx.json(ledger.peek((room, claims) -> {
                Vm current = room.vm(vm.id()).orElse(vm);
                Placement answer = MOVES.place(room, claims, current, candidates);
                Optional<String> refusal = answer instanceof Placement.Unplaceable none && target.isPresent()
                        ? Optional.of(none.explainOn(room, current)) : Optional.empty();
                return DryRun.of("migrate", room, current, candidates, answer, refusal);
            }));
            return;
        }
        OperationView view = ledger.submit((room, claims) -> {
            Vm current = room.vm(vm.id()).orElse(vm);
            return Optional.of(switch (MOVES.place(room, claims, current, candidates)) {
                case Placement.Placed placed -> {
                    Host source = room.host(from).orElseThrow();
                    yield VmPlans.migrate(current, from, placed.host().id(), bandwidth,
                            LocalDiskCopy.of(hypervisor, room, store::image, current, source, placed.host()), Guard.caller(ctx).name());
                }
                case Placement.Unplaceable none -> throw new PaddockException.Conflict(
                        target.isPresent() ? none.explainOn(room, current) : none.explain(room, current));
            });
        }).orElseThrow();
        accepted(ctx, audited(ctx, view, "migrate VM " + vm.name() + " from host " + from));
    }

    /** A host by id, or by name within the VM's cluster. */
    private String hostOf(Vm vm, String idOrName) {
        Room room = store.room();
        return room.host(idOrName).or(() -> room.hostsOf(vm.clusterId()).stream()
                        .filter(h -> h.name().equals(idOrName)).findFirst())
                .map(Host::id)
                .orElseThrow(() -> new PaddockException.InvalidValue("Field 'hostId' names no host: '" + idOrName
                        + "'."));
    }

    /**
     * HA admission control: refuses a start that would leave the cluster unable to absorb the host failures it
     * promises to tolerate, with AdmissionControl's sentence. A protected VM is refused whenever the promise would
     * not hold; an unprotected one only when it is the start that breaks a promise that holds now, so a cluster
     * already short (a host down) still runs the VMs HA would not restart anyway.
     */
    static void admit(Room room, Vm vm, String hostId) {
        refusal(room, vm, hostId).ifPresent(reason -> {
            throw new PaddockException.Conflict(reason);
        });
    }

    /** Admission control's sentence when it refuses the start, empty when it admits it (see {@link #admit}). */
    private static Optional<String> refusal(Room room, Vm vm, String hostId) {
        AdmissionControl control = AdmissionControl.standard();
        if (control.admitStart(room, vm, hostId) instanceof AdmissionVerdict.Refused refused
                && (vm.isProtected() || control.check(room, vm.clusterId()).admitted())) {
            return Optional.of(refused.reason());
        }
        return Optional.empty();
    }

    private void stop(Context ctx) {
        Vm vm = vm(ctx);
        String host = placed(vm);
        boolean force = Query.flag(ctx, "force");
        int timeout = (int) Requests.between(Query.nonNegative(ctx, "timeoutSeconds", VmPlans.DEFAULT_SHUTDOWN_SECONDS),
                1, MAX_SHUTDOWN_SECONDS, "timeoutSeconds", " seconds");
        if (liveState(vm, host) == VmState.STOPPED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is already stopped.");
        }
        accepted(ctx, submitted(ctx, VmPlans.stop(vm, host, force, timeout, Guard.caller(ctx).name()), (force ? "power off" : "stop")
                + " VM " + vm.name()));
    }

    /**
     * Changes a VM's settings as one operation: records the changed VM, makes and grows its volumes, defines its
     * domain again, then deletes the volumes of removed disks when asked. A stopped VM takes every change; a running
     * one takes NICs added and removed, disks added (hot plugged), grown (by QEMU) and removed (but its boot disk),
     * and vCPUs and memory within its maxima (plugged in), and is refused with what to do (stop it) for the rest.
     * More CPU or memory must fit on its host as if it ran, counted with the room unfinished operations claim.
     */
    private void reconfigure(Context ctx) {
        Vm vm = vm(ctx);
        if (vm.origin() != VmOrigin.MANAGED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is " + vm.origin().name().toLowerCase()
                    + "; adopt it before changing its settings.");
        }
        String host = placed(vm);
        VmChange change = VmChange.read(RequestBody.read(ctx, Requests.ChangeVm.class), vm, host, store, images);
        if (change.isEmpty()) {
            throw new PaddockException.InvalidValue("The request changes nothing VM '" + vm.name() + "' has; give a"
                    + " new name, vcpus, memoryMib, or disks or NICs to add, grow or remove.");
        }
        VmState state = liveState(vm, host);
        boolean live = state == VmState.RUNNING || state == VmState.PAUSED;
        Optional<String> refusal = live ? change.refusalWhileRunning() : change.refusalBeyondMaxima();
        if (refusal.isPresent()) {
            throw new PaddockException.Conflict(refusal.get());
        }
        String key = change.name().map(name -> vm.clusterId() + "/" + name).orElse("");
        if (change.name().isPresent() && (store.vmByName(vm.clusterId(), change.name().get()).isPresent()
                || stillPending(key))) {
            throw new PaddockException.Conflict("A VM named '" + change.name().get() + "' already exists in its"
                    + " cluster.");
        }
        AtomicReference<Vm> changed = new AtomicReference<>();
        OperationView view = ledger.submit((room, claims) -> {
            Vm current = room.vm(vm.id()).orElse(vm);
            Vm after = change.applied(current, withMacs(change.addedNics(), room));
            if (change.grows(current) && ENGINE.place(room, claims, after.withState(VmState.RUNNING),
                    h -> h.id().equals(host)) instanceof Placement.Unplaceable none) {
                throw new PaddockException.Conflict(none.explainOn(room, after.withState(VmState.RUNNING)));
            }
            changed.set(after);
            Map<String, Datastore> datastores = new HashMap<>();
            room.datastores().forEach(datastore -> datastores.put(datastore.id(), datastore));
            return Optional.of(live ? VmPlans.reconfigureLive(current, after, room, host,
                    change.added().steps(host, datastores, vm.id(), List.of()), change.grownTo(),
                    change.storageAfter(datastores), Guard.caller(ctx).name())
                    : VmPlans.reconfigure(after, room, host, change.storageBefore(datastores),
                            change.storageAfter(datastores), Guard.caller(ctx).name()));
        }).orElseThrow();
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "change settings of VM " + vm.name() + " (operation "
                + view.id() + ")", AuditChange.of(vm, changed.get())));
        change.name().ifPresent(name -> pendingNames.put(key, view.id()));
        changed.get().nics().stream().filter(nic -> vm.nics().stream().noneMatch(old -> old.mac().equals(nic.mac())))
                .forEach(nic -> pendingNames.put(MAC_KEY + nic.mac(), view.id()));
        accepted(ctx, view);
    }

    private void delete(Context ctx) {
        Vm vm = vm(ctx);
        boolean force = Query.flag(ctx, "force");
        VmState state = vm.hostId().map(host -> liveState(vm, host)).orElse(vm.state());
        if (!force && (state == VmState.RUNNING || state == VmState.PAUSED)) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is " + state.name().toLowerCase()
                    + "; stop it first or delete with force=true.");
        }
        boolean withDisks = switch (Optional.ofNullable(ctx.queryParam("disks")).orElse("keep")) {
            case "keep" -> false;
            case "delete" -> true;
            case String other -> throw new PaddockException.InvalidValue("Query parameter 'disks' must be keep or"
                    + " delete, not '" + other + "'.");
        };
        List<Step> volumes = withDisks ? VmPlans.diskVolumes(vm, store.room(), store.images().stream()
                .map(image -> Map.entry(image.datastoreId(), image.volume())).collect(Collectors.toSet())) : List.of();
        accepted(ctx, submitted(ctx, VmPlans.delete(vm, volumes, Guard.caller(ctx).name()), "delete VM " + vm.name()
                + (withDisks ? " with its disks" : "")));
    }

    /** Only an unregistered (or quarantined) VM can be adopted: a managed one is Paddock's already. */
    private void adopt(Context ctx) {
        Vm vm = vm(ctx);
        if (vm.origin() == VmOrigin.MANAGED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is managed by Paddock already.");
        }
        accepted(ctx, submitted(ctx, VmPlans.adopt(vm, Guard.caller(ctx).name()), "adopt " + vm.origin().name().toLowerCase() + " VM "
                + vm.name()));
    }

    /** Only an unregistered VM that runs can be quarantined: Paddock's own VMs are stopped, not isolated. */
    private void quarantine(Context ctx) {
        Vm vm = vm(ctx);
        if (vm.origin() != VmOrigin.UNREGISTERED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is " + vm.origin().name().toLowerCase()
                    + "; only an unregistered VM is quarantined.");
        }
        String host = placed(vm);
        VmState state = liveState(vm, host);
        if (state != VmState.RUNNING && state != VmState.PAUSED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is " + state.name().toLowerCase()
                    + "; only a running VM is quarantined.");
        }
        accepted(ctx, submitted(ctx, VmPlans.quarantine(vm, host, Guard.caller(ctx).name()), "quarantine VM " + vm.name() + " on host "
                + host));
    }

    /** Submits a plan and writes it to the audit log under the plan's kind, with the operation that carries it. */
    private OperationView submitted(Context ctx, OperationPlan plan, String detail) {
        return audited(ctx, operations.submit(plan), detail);
    }

    private OperationView audited(Context ctx, OperationView view, String detail) {
        audit.record(ctx, new AuditNote(view.kind(), view.target(), detail + " (operation " + view.id() + ")"));
        return view;
    }

    /**
     * The VM's state as its host reports it now, so that a verb refused for the VM's state is refused on
     * the truth, not on an inventory a few milliseconds behind; the inventory's state when the host is
     * out of reach.
     */
    private VmState liveState(Vm vm, String hostId) {
        try {
            return hypervisor.domain(hostId, vm.id()).map(DomainInfo::state).orElse(vm.state());
        } catch (HypervisorException e) {
            return vm.state();
        }
    }

    private static String placed(Vm vm) {
        return vm.hostId().orElseThrow(
                () -> new PaddockException.Conflict("VM '" + vm.name() + "' is not placed on any host."));
    }

    static void accepted(Context ctx, OperationView view) {
        ctx.status(HttpStatus.ACCEPTED).header("Location", OperationResource.location(view.id()))
                .json(OperationResource.of(view));
    }

}
