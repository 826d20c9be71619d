package dev.paddock.api;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Host;
import dev.paddock.model.NfsExport;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.security.Permission;
import dev.paddock.storage.LibnfsExports;
import dev.paddock.storage.NfsExports;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.storage.DatastoreDiscovery;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import dev.paddock.audit.AuditChange;
import java.util.List;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Datastores: list and read them, list a datastore's volumes, and create one, either as storage pools on chosen
 * hosts (an Operation: the record, then the pool on each host, undone as a whole if a host fails), as an NFS export
 * no host mounts (type nfs: QEMU's own client reaches it, the server makes and removes its volumes), or declared by
 * hand with its sizes.
 */
final class DatastoreRoutes {

    /** Where a netfs pool is mounted when the request names no mount point. */
    static final String MOUNT_ROOT = "/var/lib/paddock/pools/";
    /** The prefix of the initiator IQN each host's libvirt logs in as, when the request names none. */
    static final String INITIATOR_PREFIX = "iqn.2026-12.dev.paddock:";

    private final InventoryStore store;
    private final Operations operations;
    private final Hypervisor hypervisor;
    private final InventoryRoutes inventory;
    private final AuditTrail audit;
    private final NfsExports nfs;

    DatastoreRoutes(InventoryStore store, Operations operations, Hypervisor hypervisor, InventoryRoutes inventory,
            AuditTrail audit) {
        this(store, operations, hypervisor, inventory, audit, new LibnfsExports());
    }

    DatastoreRoutes(InventoryStore store, Operations operations, Hypervisor hypervisor, InventoryRoutes inventory,
            AuditTrail audit, NfsExports nfs) {
        this.nfs = nfs;
        this.store = store;
        this.operations = operations;
        this.hypervisor = hypervisor;
        this.inventory = inventory;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.list(base + "/datastores", Permission.DATASTORE_READ, ctx -> ctx.json(InventoryRoutes.whole(
                Visible.to(ctx).only(store.datastores(), Visible.to(ctx)::datastore))));
        routes.get(base + "/datastores/{id}", Permission.DATASTORE_READ, ctx -> ctx.json(datastore(ctx)));
        routes.get(base + "/datastores/{id}/volumes", Permission.DATASTORE_READ, this::volumes);
        routes.post(base + "/datastores/{id}/volumes", Permission.DATASTORE_MANAGE, this::createVolume);
        routes.delete(base + "/datastores/{id}/volumes/{name}", Permission.DATASTORE_MANAGE, this::deleteVolume);
        routes.post(base + "/datastores", Permission.DATASTORE_MANAGE, this::create);
        routes.delete(base + "/datastores/{id}", Permission.DATASTORE_MANAGE, this::delete);
    }

    /**
     * Removes a datastore, its storage left as it is: refused (409) while a VM has a disk on it; a declared one is
     * forgotten at once (204); one made of pools has its pool undefined on each host, then is forgotten, as one
     * operation (202).
     */
    private void delete(Context ctx) {
        Datastore datastore = datastore(ctx);
        List<String> users = store.room().vms().stream()
                .filter(vm -> vm.disks().stream().anyMatch(disk -> disk.datastoreId().equals(datastore.id())))
                .map(dev.paddock.model.Vm::name).sorted().toList();
        if (!users.isEmpty()) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' holds disks of " + users.size()
                    + " VM(s) (" + String.join(", ", users.subList(0, Math.min(5, users.size())))
                    + (users.size() > 5 ? ", ..." : "") + "): move or delete them first.");
        }
        if (datastore.pools().isEmpty()) {
            store.deleteDatastore(datastore.id());
            audit.record(ctx, new AuditNote("datastore.delete", datastore.id(), "forget "
                    + (datastore.nfsExport().isPresent() ? "NFS datastore " : "declared datastore ")
                    + datastore.name() + ", its files left as they are", AuditChange.removed(datastore)));
            ctx.status(204);
            return;
        }
        List<Step> steps = new ArrayList<>();
        new TreeMap<>(datastore.pools()).forEach((hostId, pool) -> steps.add(new Step.UndefinePool(hostId,
                pool)));
        steps.add(new Step.ForgetDatastore(datastore.id()));
        OperationView view = operations.submit(new OperationPlan("datastore.delete", datastore.id(), Guard.caller(ctx).name(), steps));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "delete datastore " + datastore.name()
                + ": its pools undefined on " + String.join(", ", datastore.pools().keySet()) + " in operation "
                + view.id(), AuditChange.removed(datastore)));
        VmRoutes.accepted(ctx, view);
    }

    private Datastore datastore(Context ctx) {
        return store.datastore(InventoryRoutes.id(ctx))
                .orElseThrow(() -> InventoryRoutes.missing("datastore", ctx));
    }

    private void create(Context ctx) {
        Requests.NewDatastore request = RequestBody.read(ctx, Requests.NewDatastore.class);
        if (request.type() == null) {
            declare(ctx, request);
        } else if (request.type().equals(Datastore.NFS)) {
            createNfs(ctx, request);
        } else {
            createPools(ctx, request);
        }
    }

    /** A datastore declared by hand: Paddock records what it is told. */
    private void declare(Context ctx, Requests.NewDatastore request) {
        String siteId = inventory.existingSite(request.siteId());
        String name = Requests.name(request.name(), "name");
        long capacity = Requests.between(Requests.required(request.capacityGib(), "capacityGib"), 1,
                1L << 32, "capacityGib", " GiB");
        long free = request.freeGib() == null ? capacity
                : Requests.between(request.freeGib(), 0, capacity, "freeGib", " GiB (the capacity)");
        List<String> hostIds = request.hostIds() == null ? List.of() : request.hostIds();
        for (String hostId : hostIds) {
            if (hostId == null || store.host(hostId).isEmpty()) {
                throw new PaddockException.InvalidValue("Field 'hostIds' names no host: '" + hostId + "'.");
            }
        }
        Datastore datastore = new Datastore(InventoryRoutes.newId(), siteId, name, Boolean.TRUE.equals(request.shared()),
                capacity, free, new HashSet<>(hostIds));
        InventoryRoutes.put(() -> store.put(datastore), "datastore", name);
        InventoryRoutes.created(ctx, "datastores", datastore.id(), datastore);
    }

    /**
     * Storage pools on the chosen hosts: checked here (type, source, hosts, name), then one Operation that records
     * the datastore and defines the pool on each host in turn; a host that fails rolls back the pools made before it
     * and the record. A directory that is not shared is each host's own: one datastore per host (as discovery keeps
     * them), each host's pool under the name asked, the datastores named as discovery names them ("local",
     * "local-2", ...), so that a VM's local disks can follow it to another host's pool of the same name.
     */
    private void createPools(Context ctx, Requests.NewDatastore request) {
        String name = Requests.name(request.name(), "name");
        PoolType type = PoolType.creatable(request.type()).orElseThrow(() -> new PaddockException.InvalidValue(
                "Field 'type' must be one of " + creatableTypes() + ", not '" + request.type() + "'."));
        List<Host> hosts = hosts(request.hosts());
        String siteId = siteOf(hosts);
        boolean shared = type.networked() || Boolean.TRUE.equals(request.shared());
        Requests.NewPoolSource source = Requests.required(request.source(), "source");
        Map<String, PoolSpec> specs = new LinkedHashMap<>();
        for (Host host : hosts) {
            specs.put(host.id(), spec(name, type, source, host));
        }
        PoolSpec first = specs.values().iterator().next();
        String storage = first.source().storageKey(type, first.targetPath());
        List<List<Host>> groups = shared ? List.of(hosts) : hosts.stream().map(List::of).toList();
        List<String> names = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        store.datastores().stream().filter(d -> d.siteId().equals(siteId)).forEach(d -> taken.add(d.name()));
        if (taken.contains(name)) {
            throw InventoryRoutes.duplicate("datastore", name);
        }
        List<Step> steps = new ArrayList<>();
        for (List<Host> group : groups) {
            String key = shared ? storage : "host:" + group.getFirst().id() + ":" + storage;
            for (Datastore existing : store.datastores()) {
                if (existing.siteId().equals(siteId) && existing.source().equals(key)) {
                    throw new PaddockException.Conflict("Datastore '" + existing.name() + "' holds that storage"
                            + " already.");
                }
            }
            String named = DatastoreDiscovery.freeName(name, taken);
            taken.add(named);
            names.add(named);
            Map<String, String> planned = new HashMap<>();
            group.forEach(host -> planned.put(host.id(), specs.get(host.id()).name()));
            String id = DatastoreDiscovery.idOf(siteId, key);
            steps.add(new Step.RecordDatastore(Datastore.ofPools(id, siteId, named, shared, new HashSet<>(),
                    type.xmlName(), key, 0, 0, planned)));
            group.forEach(host -> steps.add(new Step.DefinePool(host.id(), specs.get(host.id()))));
            // Its hosts, recorded as the last step: a request right after the operation finds them without waiting
            // for discovery to read the pools (which then measures the sizes).
            steps.add(new Step.RecordDatastore(Datastore.ofPools(id, siteId, named, shared,
                    new HashSet<>(planned.keySet()), type.xmlName(), key, 0, 0, planned)));
        }
        String target = ((Step.RecordDatastore) steps.getFirst()).datastore().id();
        OperationView view = operations.submit(new OperationPlan("datastore.create", target, Guard.caller(ctx).name(), steps));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "create " + type.xmlName() + " datastore "
                + String.join(", ", names) + " on " + String.join(", ", hosts.stream().map(Host::name).toList())
                + " (operation " + view.id() + ")"));
        VmRoutes.accepted(ctx, view);
    }

    private static List<String> creatableTypes() {
        List<String> types = new ArrayList<>(PoolType.creatableNames());
        types.add(Datastore.NFS);
        return types;
    }

    /**
     * An NFS export no host mounts, reached by QEMU's own client from the named hosts: the server reads its sizes
     * over NFS now (an export it cannot reach is refused), and one Operation records it. Nothing is made on a host.
     */
    private void createNfs(Context ctx, Requests.NewDatastore request) {
        String name = Requests.name(request.name(), "name");
        List<Host> hosts = hosts(request.hosts());
        String siteId = siteOf(hosts);
        Requests.NewPoolSource source = Requests.required(request.source(), "source");
        NfsExport export;
        try {
            export = new NfsExport(Requests.required(source.host(), "source.host"),
                    Requests.required(source.path(), "source.path"));
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field 'source' of an nfs datastore is not right: " + e.getMessage()
                    + ".");
        }
        for (Datastore existing : store.datastores()) {
            if (existing.siteId().equals(siteId) && existing.name().equals(name)) {
                throw InventoryRoutes.duplicate("datastore", name);
            }
            if (existing.siteId().equals(siteId) && existing.source().equals(export.key())) {
                throw new PaddockException.Conflict("Datastore '" + existing.name() + "' holds that storage already.");
            }
        }
        NfsExports.Usage usage;
        try {
            usage = nfs.usage(export);
        } catch (NfsExports.NfsException e) {
            throw new PaddockException.InvalidValue(e.getMessage());
        }
        Datastore datastore = Datastore.onNfs(DatastoreDiscovery.idOf(siteId, export.key()), siteId, name,
                new HashSet<>(hosts.stream().map(Host::id).toList()), export, usage.capacityBytes(), usage.freeBytes());
        OperationView view = operations.submit(new OperationPlan("datastore.create", datastore.id(), Guard.caller(ctx).name(),
                List.of(new Step.RecordDatastore(datastore))));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "create nfs datastore " + name + " on "
                + export.key() + " for " + String.join(", ", hosts.stream().map(Host::name).toList())
                + " (operation " + view.id() + ")"));
        VmRoutes.accepted(ctx, view);
    }

    /**
     * An empty image on an NFS datastore, made by the server over NFS as one Operation: refused (409) on any other
     * kind of datastore, or when a file of that name is there.
     */
    private void createVolume(Context ctx) {
        Datastore datastore = datastore(ctx);
        NfsExport export = nfsExportOf(datastore);
        Requests.NewVolume request = RequestBody.read(ctx, Requests.NewVolume.class);
        String name = Requests.required(request.name(), "name");
        if (!NfsExport.isFileName(name)) {
            throw new PaddockException.InvalidValue("Field 'name' must be a file name of letters, digits, '.', '_'"
                    + " and '-' that does not start with '.' or '-'; got '" + name + "'.");
        }
        String format = request.format() == null ? "qcow2" : request.format();
        if (!format.equals("qcow2") && !format.equals("raw")) {
            throw new PaddockException.InvalidValue("Field 'format' must be qcow2 or raw, not '" + format + "'.");
        }
        long sizeGib = Requests.between(Requests.required(request.sizeGib(), "sizeGib"), 1, 1L << 16, "sizeGib",
                " GiB");
        if (reading(() -> nfs.file(export, name)).isPresent()) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' holds a file named '" + name
                    + "' already.");
        }
        OperationView view = operations.submit(new OperationPlan("volume.create", datastore.id(), Guard.caller(ctx).name(), List.of(
                new Step.CreateNfsVolume(datastore.id(), export, name, format, sizeGib << 30))));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "create " + format + " volume " + name + " of "
                + sizeGib + " GiB on datastore " + datastore.name() + " (operation " + view.id() + ")"));
        VmRoutes.accepted(ctx, view);
    }

    /**
     * Removes an image from an NFS datastore as one Operation: refused (409) while a VM's disk is that file, or while
     * it is an image of the library (whose own delete checks what still needs it).
     */
    private void deleteVolume(Context ctx) {
        Datastore datastore = datastore(ctx);
        NfsExport export = nfsExportOf(datastore);
        String name = ctx.pathParam("name");
        List<String> users = store.room().vms().stream()
                .filter(vm -> vm.disks().stream().anyMatch(disk -> disk.datastoreId().equals(datastore.id())
                        && DomainBuilder.nfsFileOf(vm, disk).equals(name)))
                .map(dev.paddock.model.Vm::name).sorted().toList();
        if (!users.isEmpty()) {
            throw new PaddockException.Conflict("Volume '" + name + "' is a disk of " + String.join(", ", users)
                    + ": delete the VM or its disk first.");
        }
        store.images().stream().filter(image -> image.datastoreId().equals(datastore.id())
                && image.volume().equals(name)).findFirst().ifPresent(image -> {
                    throw new PaddockException.Conflict("Volume '" + name + "' is image '" + image.name() + "' of the"
                            + " library: delete the image instead (DELETE /api/v1/images/" + image.id() + ").");
                });
        if (!NfsExport.isFileName(name) || reading(() -> nfs.file(export, name)).isEmpty()) {
            throw new PaddockException.NotFound("Datastore '" + datastore.name() + "' has no volume '" + name + "'.");
        }
        OperationView view = operations.submit(new OperationPlan("volume.delete", datastore.id(), Guard.caller(ctx).name(), List.of(
                new Step.DeleteNfsVolume(datastore.id(), export, name))));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "delete volume " + name + " from datastore "
                + datastore.name() + " (operation " + view.id() + ")"));
        VmRoutes.accepted(ctx, view);
    }

    private static NfsExport nfsExportOf(Datastore datastore) {
        return datastore.nfsExport().orElseThrow(() -> new PaddockException.Conflict("Datastore '" + datastore.name()
                + "' is of type " + datastore.type() + ": Paddock makes and removes volumes itself only on nfs"
                + " datastores."));
    }

    /** What the NFS server answers; one that does not is a 409, the datastore's state, with the reason. */
    private static <T> T reading(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (NfsExports.NfsException e) {
            throw new PaddockException.Conflict(e.getMessage());
        }
    }

    /** The hosts a request names, by name or id, each once; at least one. */
    private List<Host> hosts(List<String> named) {
        if (named == null || named.isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'hosts' is required: name at least one host.");
        }
        List<Host> all = store.hosts();
        List<Host> hosts = new ArrayList<>();
        for (String name : named) {
            Host host = all.stream().filter(h -> h.id().equals(name) || h.name().equals(name)).findFirst()
                    .orElseThrow(() -> new PaddockException.InvalidValue("Field 'hosts' names no host: '" + name
                            + "'."));
            if (!hosts.contains(host)) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    /** A datastore belongs to one site: every host named must be in it. */
    private String siteOf(List<Host> hosts) {
        Map<String, String> siteOfCluster = new HashMap<>();
        for (Cluster cluster : store.clusters()) {
            siteOfCluster.put(cluster.id(), cluster.siteId());
        }
        var sites = new HashSet<String>();
        for (Host host : hosts) {
            sites.add(siteOfCluster.getOrDefault(host.clusterId(), ""));
        }
        if (sites.size() != 1 || sites.contains("")) {
            throw new PaddockException.InvalidValue("Field 'hosts' must name hosts of one site: a datastore belongs to"
                    + " one site.");
        }
        return sites.iterator().next();
    }

    /** The pool to define on one host, from the request's source; a missing or malformed field is a 422. */
    static PoolSpec spec(String name, PoolType type, Requests.NewPoolSource source, Host host) {
        String target = Optional.ofNullable(source.target()).orElse("");
        PoolSource poolSource = switch (type) {
            case DIR -> PoolSource.NONE;
            case NETFS -> PoolSource.nfs(field(source.host()), field(source.path()));
            case ISCSI -> PoolSource.iscsi(field(source.host()), field(source.iqn()));
            case ISCSI_DIRECT -> PoolSource.iscsiDirect(field(source.host()), field(source.iqn()),
                    source.initiator() != null ? source.initiator()
                            : INITIATOR_PREFIX + host.name().toLowerCase(Locale.ROOT));
            case RBD -> PoolSource.rbd(source.monitors() != null ? source.monitors()
                    : source.host() != null ? List.of(source.host()) : List.of(), field(source.pool()));
            case OTHER -> throw new IllegalStateException("not creatable");
        };
        if (type == PoolType.DIR) {
            target = field(source.path());
        } else if (type == PoolType.NETFS && target.isEmpty()) {
            target = MOUNT_ROOT + name;
        }
        try {
            return new PoolSpec(name, type, poolSource, target);
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field 'source' of a " + type.xmlName() + " datastore is not"
                    + " right: " + e.getMessage() + ".");
        }
    }

    private static String field(String value) {
        return value == null ? "" : value;
    }

    /**
     * The hosts through which a datastore's pool is reached, in the order to try them: those where discovery saw it
     * started first, then those it was made on and discovery has not listed yet.
     */
    static List<String> poolHosts(Datastore datastore) {
        List<String> hosts = new ArrayList<>(datastore.hostIds().stream().sorted()
                .filter(host -> datastore.pools().containsKey(host)).toList());
        datastore.pools().keySet().stream().sorted().filter(host -> !hosts.contains(host)).forEach(hosts::add);
        return hosts;
    }

    private void volumes(Context ctx) {
        Datastore datastore = datastore(ctx);
        if (datastore.nfsExport().isPresent()) {
            ctx.json(InventoryRoutes.whole(reading(() -> nfs.files(datastore.nfsExport().get()))));
            return;
        }
        if (!datastore.backedByPools()) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' was declared by hand: it has no"
                    + " storage pool whose volumes Paddock could list.");
        }
        List<String> refusals = new ArrayList<>();
        for (String hostId : poolHosts(datastore)) {
            try {
                List<VolumeFacts> volumes = hypervisor.volumes(hostId, datastore.pools().get(hostId));
                ctx.json(InventoryRoutes.whole(volumes));
                return;
            } catch (HypervisorException e) {
                refusals.add(e.getMessage().replaceAll("[.\\s]+$", ""));
            }
        }
        if (!refusals.isEmpty()) {
            // the room's state, not the request, is what is wrong: a 409 that says which hosts failed and why
            throw new PaddockException.Conflict("No host can list the volumes of datastore '" + datastore.name()
                    + "' now: " + String.join("; ", refusals) + ".");
        }
        throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' is started on no host: no host"
                + " can list its volumes.");
    }
}
