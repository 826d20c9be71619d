package dev.paddock.api;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.MacAddresses;
import dev.paddock.model.Maxima;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.InventoryStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A change of a VM's settings ("edit settings"), read from its request and checked against the VM, its host and the
 * inventory before anything is submitted: names unique, disks and NICs that exist, a disk that only grows, datastores
 * the host reaches, networks the host carries. Capacity and MACs are the decision's to judge, in the room it reads.
 *
 * @param vm the VM as it is
 * @param hostId the host it is defined on
 * @param name its new name, empty to keep it
 * @param millicores its new CPU size, empty to keep it
 * @param memoryMib its new memory, empty to keep it
 * @param added the disks it gets
 * @param grown each disk that grows, with its new size
 * @param removed the disks detached from it
 * @param deleteRemoved true when the removed disks' volumes are deleted too
 * @param addedNics the NICs it gets, a MAC still empty where Paddock chooses it
 * @param removedNics the NICs it loses
 * @param maxima its new hot-plug maxima, empty to keep them
 */
record VmChange(Vm vm, String hostId, Optional<String> name, Optional<Long> millicores, Optional<Long> memoryMib,
        NewVmDisks added, List<Grow> grown, List<Disk> removed, boolean deleteRemoved, List<Nic> addedNics,
        List<Nic> removedNics, Optional<Maxima> maxima) {

    private static final long GIB = 1L << 30;
    private static final long MAX_DISK_GIB = 1L << 16;

    /** A disk and the size it grows to. */
    record Grow(Disk disk, long sizeGib) {}

    static VmChange read(Requests.ChangeVm request, Vm vm, String hostId, InventoryStore store, ImageRoutes images) {
        Room room = store.room();
        Host host = room.host(hostId).orElseThrow(() -> new PaddockException.Conflict("VM '" + vm.name()
                + "' is on host '" + hostId + "', which the inventory no longer has."));
        Optional<String> name = Optional.ofNullable(request.name()).map(asked -> Requests.name(asked, "name"))
                .filter(asked -> !asked.equals(vm.name()));
        Optional<Long> millicores = millicores(request, host).filter(asked -> asked != vm.demand().cpuMillicores());
        Optional<Long> memory = Optional.ofNullable(request.memoryMib()).map(asked -> Requests.between(asked, 1,
                host.capacity().memoryMib(), "memoryMib", " MiB (host '" + host.name() + "' has "
                        + host.capacity().memoryMib() + " MiB)")).filter(asked -> asked != vm.demand().memoryMib());
        List<Disk> removed = removedDisks(request.removeDisks(), vm);
        List<Grow> grown = grownDisks(request.growDisks(), vm, removed);
        NewVmDisks added = request.addDisks() == null || request.addDisks().isEmpty() ? NewVmDisks.NONE
                : NewVmDisks.added(request.addDisks(), "addDisks", vm, store, images);
        for (Disk disk : added.disks()) {
            Datastore datastore = store.datastore(disk.datastoreId()).orElseThrow();
            if (!datastore.pools().containsKey(hostId)
                    && !(datastore.nfsExport().isPresent() && datastore.hostIds().contains(hostId))) {
                throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' is not reachable from host '"
                        + host.name() + "' of VM '" + vm.name() + "'.");
            }
        }
        refuseOverfullGrowth(grown, added, store, images);
        List<Nic> removedNics = removedNics(request.removeNics(), vm);
        List<Nic> addedNics = addedNics(request.addNics(), vm, host, room);
        Optional<Maxima> maxima = maxima(request, vm, host);
        return new VmChange(vm, hostId, name, millicores, memory, added, grown, removed,
                Boolean.TRUE.equals(request.deleteRemovedDisks()), addedNics, removedNics, maxima);
    }

    /** The maxima the request sets (0 removes one), empty when they stay as they are. */
    private static Optional<Maxima> maxima(Requests.ChangeVm request, Vm vm, Host host) {
        long cpus = host.capacity().cores();
        Optional<Integer> vcpus = request.maxVcpus() == null ? vm.maxima().vcpus()
                : Optional.of((int) Requests.between(request.maxVcpus(), 0, cpus, "maxVcpus", " vCPUs (0 for none;"
                        + " host '" + host.name() + "' has " + cpus + ")")).filter(most -> most > 0);
        Optional<Long> memoryMib = request.maxMemoryMib() == null ? vm.maxima().memoryMib()
                : Optional.of(Requests.between(request.maxMemoryMib(), 0, host.capacity().memoryMib(), "maxMemoryMib",
                        " MiB (0 for none; host '" + host.name() + "' has " + host.capacity().memoryMib() + " MiB)"))
                        .filter(most -> most > 0);
        Maxima asked = new Maxima(vcpus, memoryMib);
        return asked.equals(vm.maxima()) ? Optional.empty() : Optional.of(asked);
    }

    /**
     * Why the VM, changed, would not fit its own maxima (vCPUs or memory beyond them), empty when it does: the maxima
     * are raised with the size, never left below it.
     */
    Optional<String> refusalBeyondMaxima() {
        Maxima after = maxima.orElse(vm.maxima());
        if (after.vcpus().filter(most -> most < vcpus()).isPresent()) {
            return Optional.of("VM '" + vm.name() + "' would have " + vcpus() + " vCPUs, more than its maxVcpus of "
                    + after.vcpus().get() + "; raise maxVcpus with them.");
        }
        long memoryAfter = memoryMib.orElse(vm.demand().memoryMib());
        if (after.memoryMib().filter(most -> most < memoryAfter).isPresent()) {
            return Optional.of("VM '" + vm.name() + "' would have " + memoryAfter + " MiB of memory, more than its"
                    + " maxMemoryMib of " + after.memoryMib().get() + " MiB; raise maxMemoryMib with it.");
        }
        return Optional.empty();
    }

    /** The vCPUs the guest runs with once changed. */
    int vcpus() {
        return (int) ((millicores.orElse(vm.demand().cpuMillicores()) + 999) / 1000);
    }

    /**
     * Why this change cannot be made to the VM while it runs, empty when it can: a new name or new maxima, CPU or
     * memory beyond the maxima (or without any), less memory (memory modules are not taken back from a running
     * guest), and the removal of its boot disk, or of a disk that others follow (their devices would move).
     */
    Optional<String> refusalWhileRunning() {
        String runs = "VM '" + vm.name() + "' runs: ";
        if (name.isPresent()) {
            return Optional.of(runs + "stop it to rename it.");
        }
        if (maxima.isPresent()) {
            return Optional.of(runs + "stop it to change its maxVcpus or maxMemoryMib.");
        }
        int vcpusNow = (int) ((vm.demand().cpuMillicores() + 999) / 1000);
        if (vcpus() != vcpusNow) {
            Optional<Integer> most = vm.maxima().vcpus();
            if (most.isEmpty()) {
                return Optional.of(runs + "it has no maxVcpus to grow into; stop it to change its vCPUs (and give it"
                        + " a maxVcpus then to change them while it runs).");
            }
            if (vcpus() > most.get()) {
                return Optional.of(runs + "it takes at most " + most.get() + " vCPUs (its maxVcpus), not " + vcpus()
                        + "; stop it to raise maxVcpus.");
            }
        }
        if (memoryMib.isPresent()) {
            Optional<Long> most = vm.maxima().memoryMib();
            if (most.isEmpty()) {
                return Optional.of(runs + "it has no maxMemoryMib to grow into; stop it to change its memory (and give"
                        + " it a maxMemoryMib then to grow it while it runs).");
            }
            if (memoryMib.get() > most.get()) {
                return Optional.of(runs + "it takes at most " + most.get() + " MiB of memory (its maxMemoryMib), not "
                        + memoryMib.get() + "; stop it to raise maxMemoryMib.");
            }
            if (memoryMib.get() < vm.demand().memoryMib()) {
                return Optional.of(runs + "its memory grows live by memory modules but shrinks only when it is"
                        + " stopped; stop it to give it " + memoryMib.get() + " MiB.");
            }
        }
        return removalWhileRunning().map(refusal -> runs + refusal);
    }

    private Optional<String> removalWhileRunning() {
        if (removed.isEmpty()) {
            return Optional.empty();
        }
        List<Disk> disks = vm.disks();
        if (removed.contains(disks.getFirst())) {
            return Optional.of("its boot disk '" + disks.getFirst().name() + "' is removed only when it is stopped.");
        }
        for (int i = disks.size() - removed.size(); i < disks.size(); i++) {
            if (!removed.contains(disks.get(i))) {
                Disk kept = disks.get(i);
                return Optional.of("disk '" + kept.name() + "' follows a disk it loses, and its device would move; stop"
                        + " it to remove the disks, or remove those after them too.");
            }
        }
        return Optional.empty();
    }

    /** True when the request changes nothing the VM has. */
    boolean isEmpty() {
        return name.isEmpty() && millicores.isEmpty() && memoryMib.isEmpty() && added.disks().isEmpty()
                && grown.isEmpty() && removed.isEmpty() && addedNics.isEmpty() && removedNics.isEmpty()
                && maxima.isEmpty();
    }

    /** True when the VM's CPU or memory changes. */
    boolean resizes() {
        return millicores.isPresent() || memoryMib.isPresent();
    }

    /** True when {@code current} asks more CPU or memory of its host once changed. */
    boolean grows(Vm current) {
        return millicores.filter(asked -> asked > current.demand().cpuMillicores()).isPresent()
                || memoryMib.filter(asked -> asked > current.demand().memoryMib()).isPresent();
    }

    /** The size each grown disk grows to, in bytes, by disk name. */
    Map<String, Long> grownTo() {
        Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        grown.forEach(grow -> sizes.put(grow.disk().name(), grow.sizeGib() * GIB));
        return sizes;
    }

    /** The VM changed, with {@code nics} as the NICs it gets (their MACs chosen). */
    Vm applied(Vm current, List<Nic> nics) {
        Resources demand = current.demand();
        Resources resized = Resources.of(millicores.orElse(demand.cpuMillicores()),
                memoryMib.orElse(demand.memoryMib()), demand.diskGib(), demand.networkMbps());
        List<Disk> disks = new ArrayList<>();
        for (Disk disk : current.disks()) {
            if (removed.stream().anyMatch(gone -> gone.name().equals(disk.name()))) {
                continue;
            }
            disks.add(grown.stream().filter(grow -> grow.disk().name().equals(disk.name())).findFirst()
                    .map(grow -> new Disk(disk.name(), disk.datastoreId(), grow.sizeGib(), disk.volume(),
                            disk.format(), disk.readOnly(), disk.image(), disk.linked()))
                    .orElse(disk));
        }
        disks.addAll(added.disks());
        List<Nic> kept = new ArrayList<>(current.nics().stream()
                .filter(nic -> removedNics.stream().noneMatch(gone -> gone.mac().equals(nic.mac()))).toList());
        kept.addAll(nics);
        return current.withName(name.orElse(current.name())).withDemand(resized).withDisks(disks).withNics(kept)
                .withMaxima(maxima.orElse(current.maxima()));
    }

    /** The volumes made and grown before the domain is defined again. */
    List<Step> storageBefore(Map<String, Datastore> datastores) {
        List<Step> steps = new ArrayList<>(added.steps(hostId, datastores, vm.id(), List.of()));
        for (Grow grow : grown) {
            Datastore datastore = datastores.get(grow.disk().datastoreId());
            if (datastore.nfsExport().isPresent()) {
                steps.add(new Step.ResizeNfsVolume(datastore.id(), datastore.nfsExport().get(), grow.disk().volume(),
                        grow.disk().format(), grow.sizeGib() * GIB));
                continue;
            }
            String pool = datastore.pools().get(hostId);
            steps.add(new Step.ResizeVolume(hostId, pool, grow.disk().volume(), grow.sizeGib() * GIB));
        }
        return steps;
    }

    /** The removed disks' volumes deleted, when asked, once the domain no longer names them. */
    List<Step> storageAfter(Map<String, Datastore> datastores) {
        if (!deleteRemoved) {
            return List.of();
        }
        List<Step> steps = new ArrayList<>();
        for (Disk disk : removed) {
            Optional<dev.paddock.model.NfsExport> export = datastores.get(disk.datastoreId()).nfsExport();
            if (export.isPresent() && disk.hasVolume()) {
                steps.add(new Step.DeleteNfsVolume(disk.datastoreId(), export.get(), disk.volume()));
                continue;
            }
            String pool = datastores.get(disk.datastoreId()).pools().get(hostId);
            if (disk.hasVolume() && pool != null) {
                steps.add(new Step.DeleteVolume(hostId, pool, disk.volume()));
            }
        }
        return steps;
    }

    private static Optional<Long> millicores(Requests.ChangeVm request, Host host) {
        if (request.vcpus() == null && request.cpuMillicores() == null) {
            return Optional.empty();
        }
        long most = host.capacity().cores();
        String unit = " vCPUs (host '" + host.name() + "' has " + most + ")";
        if (request.cpuMillicores() == null) {
            return Optional.of(Requests.between(request.vcpus(), 1, most, "vcpus", unit) * 1000);
        }
        long millicores = Requests.between(request.cpuMillicores(), 1, most * 1000, "cpuMillicores",
                " millicores (host '" + host.name() + "' has " + most * 1000 + ")");
        if (request.vcpus() != null && (millicores + 999) / 1000 != request.vcpus()) {
            throw new PaddockException.InvalidValue("Field 'cpuMillicores' (" + millicores + ") gives the guest "
                    + (millicores + 999) / 1000 + " vCPU(s), not the " + request.vcpus() + " 'vcpus' asks; give one"
                    + " of them.");
        }
        return Optional.of(millicores);
    }

    private static List<Disk> removedDisks(List<String> names, Vm vm) {
        List<Disk> removed = new ArrayList<>();
        for (String name : names == null ? List.<String>of() : names) {
            Disk disk = diskNamed(vm, Requests.required(name, "removeDisks[]"), "removeDisks");
            if (removed.contains(disk)) {
                throw new PaddockException.InvalidValue("Field 'removeDisks' names disk '" + name + "' twice.");
            }
            removed.add(disk);
        }
        return removed;
    }

    private static List<Grow> grownDisks(List<Requests.GrowDisk> asked, Vm vm, List<Disk> removed) {
        List<Grow> grown = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < (asked == null ? 0 : asked.size()); i++) {
            String field = "growDisks[" + i + "]";
            Requests.GrowDisk grow = Requests.required(asked.get(i), field);
            Disk disk = diskNamed(vm, Requests.required(grow.name(), field + ".name"), field + ".name");
            if (!seen.add(disk.name()) || removed.contains(disk)) {
                throw new PaddockException.InvalidValue("Field 'growDisks' names disk '" + disk.name() + "' twice, or"
                        + " one that 'removeDisks' removes.");
            }
            if (disk.readOnly() || !disk.hasVolume()) {
                throw new PaddockException.Conflict("Disk '" + disk.name() + "' of VM '" + vm.name() + "' cannot grow: "
                        + (disk.readOnly() ? "the guest only reads it." : "it is no volume of a storage pool."));
            }
            long size = Requests.between(Requests.required(grow.sizeGib(), field + ".sizeGib"), 1, MAX_DISK_GIB,
                    field + ".sizeGib", " GiB");
            if (size < disk.sizeGib()) {
                throw new PaddockException.InvalidValue("Disk '" + disk.name() + "' of VM '" + vm.name() + "' is "
                        + disk.sizeGib() + " GiB; a disk only grows, not to " + size + " GiB.");
            }
            if (size > disk.sizeGib()) {
                grown.add(new Grow(disk, size));
            }
        }
        return grown;
    }

    private static Disk diskNamed(Vm vm, String name, String field) {
        return vm.disks().stream().filter(disk -> disk.name().equals(name)).findFirst().orElseThrow(
                () -> new PaddockException.InvalidValue("Field '" + field + "' names no disk of VM '" + vm.name()
                        + "': '" + name + "' (it has " + (vm.disks().isEmpty() ? "none"
                        : String.join(", ", vm.disks().stream().map(Disk::name).toList())) + ")."));
    }

    /**
     * Refuses growth a datastore cannot hold: a volume allocated whole (any but a linked clone) takes its growth from
     * the pool, on top of the disks added there.
     */
    private static void refuseOverfullGrowth(List<Grow> grown, NewVmDisks added, InventoryStore store,
            ImageRoutes images) {
        Map<String, Long> asked = new java.util.HashMap<>();
        for (Grow grow : grown) {
            if (!grow.disk().linked()) {
                asked.merge(grow.disk().datastoreId(), (grow.sizeGib() - grow.disk().sizeGib()) * GIB, Long::sum);
            }
        }
        for (Disk disk : added.disks()) {
            if (asked.containsKey(disk.datastoreId()) && !added.existing().contains(disk.name())) {
                asked.merge(disk.datastoreId(), disk.sizeGib() * GIB, Long::sum);
            }
        }
        asked.forEach((datastoreId, bytes) -> {
            Datastore datastore = store.datastore(datastoreId).orElseThrow();
            long free = images.freeBytes(datastore);
            if (bytes > free) {
                throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has "
                        + String.format(java.util.Locale.ROOT, "%.1f", free / (double) GIB) + " GiB free; the VM's"
                        + " disks on it grow by " + String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) GIB)
                        + " GiB.");
            }
        });
    }

    private static List<Nic> removedNics(List<String> macs, Vm vm) {
        List<Nic> removed = new ArrayList<>();
        for (String asked : macs == null ? List.<String>of() : macs) {
            String mac = MacAddresses.normalize(Requests.required(asked, "removeNics[]")).orElseThrow(
                    () -> new PaddockException.InvalidValue("Field 'removeNics' holds '" + asked + "', which is not a"
                            + " unicast MAC address."));
            Nic nic = vm.nics().stream().filter(n -> n.mac().equals(mac)).findFirst().orElseThrow(
                    () -> new PaddockException.InvalidValue("Field 'removeNics' names no NIC of VM '" + vm.name()
                            + "': " + mac + "."));
            if (removed.contains(nic)) {
                throw new PaddockException.InvalidValue("Field 'removeNics' names NIC " + mac + " twice.");
            }
            removed.add(nic);
        }
        return removed;
    }

    /** Each NIC asked for, on a network of the VM's site that its host carries. */
    private static List<Nic> addedNics(List<Requests.NewNic> asked, Vm vm, Host host, Room room) {
        List<Nic> nics = new ArrayList<>();
        String siteId = room.cluster(vm.clusterId()).map(c -> c.siteId()).orElse("");
        for (int i = 0; i < (asked == null ? 0 : asked.size()); i++) {
            String field = "addNics[" + i + "]";
            Requests.NewNic nic = Requests.required(asked.get(i), field);
            String idOrName = Requests.required(nic.network(), field + ".network");
            Network network = room.network(idOrName).filter(n -> n.siteId().equals(siteId))
                    .or(() -> room.networks().stream()
                            .filter(n -> n.siteId().equals(siteId) && n.name().equals(idOrName)).findFirst())
                    .orElseThrow(() -> new PaddockException.InvalidValue("Field '" + field + ".network' names no"
                            + " network of the site of VM '" + vm.name() + "': '" + idOrName + "'."));
            if (network.hasCarriers() && !network.hostIds().contains(host.id())) {
                throw new PaddockException.Conflict("Network '" + network.name() + "' is not carried by host '"
                        + host.name() + "' of VM '" + vm.name() + "'.");
            }
            nics.add(VmRoutes.nic(nic, field, network));
        }
        return nics;
    }
}
