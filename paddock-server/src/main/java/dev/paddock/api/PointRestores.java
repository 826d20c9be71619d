package dev.paddock.api;

import dev.paddock.backup.Backups;
import dev.paddock.backup.DiskMap;
import dev.paddock.backup.RepositoryRecord;
import dev.paddock.backup.RestorePoint;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.json.Json;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.MacAddresses;
import dev.paddock.model.Nic;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.placement.Placement;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.store.InventoryStore;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The plans of a restore: a restore point as a new VM, or in place over the disks of the VM it was taken of. Either
 * restores every disk the point holds or the ones named; each disk is written into a new qcow2 volume of a pool
 * datastore, so that nothing the VM had is touched before its new disks are whole.
 */
final class PointRestores {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Backups backups;
    private final InventoryStore store;
    private final PlacementLedger ledger;
    private final Clock clock;

    PointRestores(Backups backups, InventoryStore store, PlacementLedger ledger, Clock clock) {
        this.backups = backups;
        this.store = store;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** What a client sends to restore a point. */
    record Request(String name, String datastore, String host, Boolean start, Boolean inPlace, List<String> disks) {}

    /** A restore submitted, and the sentence the audit log keeps of it. */
    record Submitted(OperationView view, String detail) {}

    Submitted submit(RepositoryRecord record, RestorePoint point, Request request, String owner) {
        Vm original = configuration(point);
        List<String> devices = devices(point, original, Optional.ofNullable(request.disks()));
        return Boolean.TRUE.equals(request.inPlace()) ? inPlace(record, point, original, devices, request, owner)
                : asNewVm(record, point, original, devices, request, owner);
    }

    /**
     * Restores a point as a new VM: its hardware as backed up (vCPUs, memory, firmware, NICs on the same networks
     * with new MACs), each chosen disk written into a new qcow2 volume of the datastore named, on the host the
     * placement chooses (or the one named). Refused before anything is made when the datastore lacks room for the
     * disks' images or the name is taken.
     */
    private Submitted asNewVm(RepositoryRecord record, RestorePoint point, Vm original, List<String> devices,
            Request request, String owner) {
        String name = Requests.name(request.name(), "name");
        Datastore datastore = poolDatastore(Requests.required(request.datastore(), "datastore"));
        String clusterId = store.cluster(original.clusterId()).map(c -> c.id()).orElseGet(() -> datastore.hostIds()
                .stream().flatMap(h -> store.host(h).stream()).map(Host::clusterId).findFirst().orElseThrow(() ->
                        new PaddockException.Conflict("Datastore '" + datastore.name() + "' is on no host.")));
        if (store.vmByName(clusterId, name).isPresent()) {
            throw new PaddockException.Conflict("A VM named '" + name + "' already exists in its cluster.");
        }
        Optional<Host> named = Optional.ofNullable(request.host()).map(h -> store.host(h).or(() -> store.hosts()
                .stream().filter(x -> x.name().equals(h)).findFirst()).orElseThrow(() ->
                new PaddockException.InvalidValue("Field 'host' names no host: '" + h + "'.")));
        named.filter(h -> !datastore.pools().containsKey(h.id())).ifPresent(h -> {
            throw new PaddockException.Conflict("Host '" + h.name() + "' does not hold datastore '"
                    + datastore.name() + "'.");
        });
        // Each chosen disk (vda, vdb... by position) becomes a new volume; the others (seeds) are left out.
        List<Disk> disks = new ArrayList<>();
        Map<String, String> volumes = new LinkedHashMap<>();
        for (int index = 0; index < original.disks().size(); index++) {
            Disk disk = original.disks().get(index);
            String device = DomainBuilder.device(index);
            if (!devices.contains(device)) {
                continue;
            }
            String volume = name + "-" + disk.name() + ".qcow2";
            disks.add(new Disk(disk.name(), datastore.id(), sizeGib(point, device), volume, "qcow2", false,
                    Optional.empty(), false));
            volumes.put(device, volume);
        }
        requireRoom(record, point, Map.of(datastore, List.copyOf(volumes.keySet())));
        boolean start = Boolean.TRUE.equals(request.start());
        String vmId = InventoryRoutes.newId();
        OperationView view = ledger.submit((now, claims) -> {
            Set<String> taken = new HashSet<>(MacAddresses.inUse(now));
            List<Nic> nics = new ArrayList<>();
            for (Nic nic : original.nics()) {
                String mac = MacAddresses.generate(taken, ThreadLocalRandom.current());
                taken.add(mac);
                nics.add(nic.withMac(mac));
            }
            Vm vm = new Vm(vmId, name, clusterId, Optional.empty(), original.demand(), VmState.STOPPED,
                    VmOrigin.MANAGED, original.tier(), original.haPriority(), Set.of(), Set.of(), original.licences(),
                    disks, nics, original.watchdog(), original.firmware(), original.boot(), original.maxima());
            Vm running = vm.withState(VmState.RUNNING);
            Placement answer = VmRoutes.ENGINE.place(now, claims, running, h -> named.map(n -> n.id().equals(h.id()))
                    .orElse(h.clusterId().equals(clusterId)) && datastore.pools().containsKey(h.id()));
            Host host = switch (answer) {
                case Placement.Placed placed -> placed.host();
                case Placement.Unplaceable none -> throw new PaddockException.Conflict(none.explain(now, running));
            };
            if (start) {
                VmRoutes.admit(claims.applyTo(now), vm, host.id());
            }
            Vm placed = vm.withHost(host.id());
            String pool = datastore.pools().get(host.id());
            List<Step> steps = new ArrayList<>();
            steps.add(new Step.RecordVm(placed));
            volumes.forEach((device, volume) -> steps.add(new Step.RestoreVolume(record.id(), point.id(), device,
                    host.id(), pool, volume)));
            steps.add(new Step.DefineVm(host.id(), DomainBuilder.specOf(placed, now)));
            if (start) {
                steps.add(new Step.StartVm(host.id(), vmId));
            }
            return Optional.of(new OperationPlan(BackupRoutes.RESTORE, vmId, owner, steps));
        }).orElseThrow();
        return new Submitted(view, "restore point " + point.id() + " of VM " + original.name() + " as new VM "
                + name + " on datastore " + datastore.name() + " (operation " + view.id() + ")");
    }

    /**
     * Restores a point over the VM it was taken of, which must be stopped: each chosen disk is written into a new
     * volume (on the disk's own datastore, or the one named), the VM is recorded and defined with the new volumes,
     * its checkpoints are forgotten (the new images have no bitmaps: its next backup reads them whole), and only then
     * are the replaced volumes deleted. A restore that fails before that leaves the VM as it was.
     */
    private Submitted inPlace(RepositoryRecord record, RestorePoint point, Vm original, List<String> devices,
            Request request, String owner) {
        if (request.name() != null || request.host() != null) {
            throw new PaddockException.InvalidValue("Fields 'name' and 'host' are for a restore as a new VM; a"
                    + " restore in place keeps the VM's name and host.");
        }
        Vm vm = store.vm(point.vm()).orElseThrow(() -> new PaddockException.Conflict("VM '" + original.name()
                + "' of restore point " + point.id() + " no longer exists; restore the point as a new VM."));
        String host = vm.hostId().orElseThrow(() -> new PaddockException.Conflict("VM '" + vm.name()
                + "' is on no host; a restore in place writes its disks on the VM's host."));
        if (vm.state() != VmState.STOPPED) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is " + vm.state().name().toLowerCase()
                    + "; stop it before restoring its disks in place.");
        }
        Optional<Datastore> named = Optional.ofNullable(request.datastore()).map(this::poolDatastore);
        named.filter(d -> !d.pools().containsKey(host)).ifPresent(d -> {
            throw new PaddockException.Conflict("Datastore '" + d.name() + "' is not on host '" + host + "', where VM '"
                    + vm.name() + "' is.");
        });
        String stamp = STAMP.format(clock.instant());
        List<Disk> disks = new ArrayList<>(vm.disks());
        List<Disk> replaced = new ArrayList<>();
        Map<Datastore, List<String>> needs = new LinkedHashMap<>();
        Room room = store.room();
        List<Step> restores = new ArrayList<>();
        for (String device : devices) {
            int index = indexOf(device, vm.disks().size());
            if (index < 0) {
                throw new PaddockException.Conflict("VM '" + vm.name() + "' has no disk " + device + " any more ("
                        + vm.disks().size() + " disks); restore the point as a new VM.");
            }
            Disk disk = vm.disks().get(index);
            Datastore datastore = named.orElseGet(() -> room.datastore(disk.datastoreId())
                    .filter(d -> d.pools().containsKey(host)).orElseThrow(() -> new PaddockException.Conflict("Disk '"
                            + disk.name() + "' of VM '" + vm.name() + "' is on no storage pool of its host; name a"
                            + " pool datastore of host '" + host + "' with 'datastore'.")));
            String volume = vm.name() + "-" + disk.name() + "-" + stamp + ".qcow2";
            restores.add(new Step.RestoreVolume(record.id(), point.id(), device, host, datastore.pools().get(host),
                    volume));
            disks.set(index, new Disk(disk.name(), datastore.id(), Math.max(disk.sizeGib(), sizeGib(point, device)),
                    volume, "qcow2", false, Optional.empty(), false));
            replaced.add(disk);
            needs.computeIfAbsent(datastore, d -> new ArrayList<>()).add(device);
        }
        requireRoom(record, point, needs);
        Vm restored = vm.withDisks(disks);
        List<Step> steps = new ArrayList<>(restores);
        steps.add(new Step.ForgetCheckpoints(host, vm.id()));
        steps.add(new Step.RecordVm(restored));
        steps.add(new Step.DefineVm(host, DomainBuilder.specOf(restored, room)));
        steps.addAll(VmPlans.diskVolumes(vm.withDisks(replaced), room, store.images().stream()
                .map(image -> Map.entry(image.datastoreId(), image.volume())).collect(Collectors.toSet())));
        boolean start = Boolean.TRUE.equals(request.start());
        OperationView view = ledger.submit((now, claims) -> {
            if (start) {
                VmRoutes.admit(claims.applyTo(now), restored, host);
            }
            List<Step> all = new ArrayList<>(steps);
            if (start) {
                all.add(new Step.StartVm(host, vm.id()));
            }
            return Optional.of(new OperationPlan(BackupRoutes.RESTORE, vm.id(), owner, all));
        }).orElseThrow();
        return new Submitted(view, "restore disks " + String.join(", ", devices) + " of restore point " + point.id()
                + " in place over VM " + vm.name() + " (operation " + view.id() + ")");
    }

    /** The position of {@code device} among a VM's {@code count} disks, or -1 when it has fewer. */
    private static int indexOf(String device, int count) {
        for (int index = 0; index < count; index++) {
            if (DomainBuilder.device(index).equals(device)) {
                return index;
            }
        }
        return -1;
    }

    private static Vm configuration(RestorePoint point) {
        try {
            return Json.mapper().treeToValue(point.configuration(), Vm.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new PaddockException.Conflict("Restore point " + point.id() + " holds no VM configuration that"
                    + " reads: " + e.getMessage());
        }
    }

    /** The devices to restore: those named, each a disk the point holds; else every disk of the VM it holds. */
    private static List<String> devices(RestorePoint point, Vm original, Optional<List<String>> named) {
        List<String> held = new ArrayList<>();
        for (int index = 0; index < original.disks().size(); index++) {
            String device = DomainBuilder.device(index);
            if (point.disk(device).isPresent()) {
                held.add(device);
            }
        }
        if (held.isEmpty()) {
            throw new PaddockException.Conflict("Restore point " + point.id() + " holds no disk of its VM.");
        }
        if (named.isEmpty()) {
            return held;
        }
        if (named.get().isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'disks' names no disk; leave it out to restore them all.");
        }
        for (String device : named.get()) {
            if (!held.contains(device)) {
                throw new PaddockException.InvalidValue("Field 'disks': restore point " + point.id() + " holds no disk '"
                        + device + "'; it holds " + String.join(", ", held) + ".");
            }
        }
        return held.stream().filter(named.get()::contains).toList();
    }

    private Datastore poolDatastore(String idOrName) {
        Datastore datastore = store.datastore(idOrName).or(() -> store.room().datastores().stream()
                .filter(d -> d.name().equals(idOrName)).findFirst()).orElseThrow(() ->
                new PaddockException.InvalidValue("Field 'datastore' names no datastore: '" + idOrName + "'."));
        if (datastore.pools().isEmpty()) {
            throw new PaddockException.InvalidValue("Datastore '" + datastore.name() + "' is no storage pool of a"
                    + " host (" + datastore.type() + "); a restore writes its disks into a pool's volumes.");
        }
        return datastore;
    }

    private static long sizeGib(RestorePoint point, String device) {
        long size = point.disk(device).map(DiskMap::size).orElse(0L);
        return Math.max(1, (size + (1L << 30) - 1) >> 30);
    }

    /** Refuses before anything is made when a datastore lacks room for the images of the disks it receives. */
    private void requireRoom(RepositoryRecord record, RestorePoint point, Map<Datastore, List<String>> devices) {
        devices.forEach((datastore, list) -> {
            long bytes = 0;
            for (String device : list) {
                bytes += backups.repository(record.id()).openQcow2(point.id(), device).length();
            }
            if (bytes > datastore.freeBytes()) {
                throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has "
                        + datastore.freeBytes() + " bytes free; the disks of restore point " + point.id() + " need "
                        + bytes + ".");
            }
        });
    }
}
