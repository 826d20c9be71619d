package dev.paddock.api;

import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The plans behind the VM verbs of the API: pure, from a VM already validated and placed. */
final class VmPlans {

    /** How long a graceful stop waits for the guest before powering it off. */
    static final int DEFAULT_SHUTDOWN_SECONDS = 60;

    private VmPlans() {}

    /** Records, defines (the VM's whole domain, as the room names its networks) and, when asked, starts the VM. */
    static OperationPlan create(Vm vm, Room room, String hostId, boolean start, String owner) {
        return create(vm, room, hostId, start, owner, List.of());
    }

    /**
     * Records the VM, makes its disks with {@code storage} (volumes, clones, its cloud-init seed), defines it and,
     * when asked, starts it; a failure undoes what was made.
     */
    static OperationPlan create(Vm vm, Room room, String hostId, boolean start, String owner, List<Step> storage) {
        DomainSpec spec = DomainBuilder.specOf(vm, room);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.RecordVm(vm));
        steps.addAll(storage);
        steps.add(new Step.DefineVm(hostId, spec));
        if (start) {
            steps.add(new Step.StartVm(hostId, vm.id()));
        }
        return new OperationPlan("vm.create", vm.id(), owner, steps);
    }

    /**
     * Records the changed VM, makes and grows its volumes ({@code before}), defines its domain again as the changed
     * VM, then runs {@code after} (deleting removed disks' volumes, which nothing undoes, so last). A failure undoes
     * what was done: the old record and the old definition come back, new volumes go.
     */
    static OperationPlan reconfigure(Vm changed, Room room, String hostId, List<Step> before, List<Step> after,
            String owner) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.RecordVm(changed));
        steps.addAll(before);
        steps.add(new Step.DefineVm(hostId, DomainBuilder.specOf(changed, room)));
        steps.addAll(after);
        return new OperationPlan("vm.reconfigure", changed.id(), owner, steps);
    }

    /**
     * A running VM changed live: records the changed VM, makes the volumes of its new disks ({@code made}), unplugs
     * the NICs and disks it loses (first, freeing their slots; a disk once the guest let go of it), plugs in the new
     * NICs and disks, grows disks through QEMU ({@code grownTo}: bytes by disk name), sets its vCPUs and memory
     * (plugged into the guest, within its maxima), then defines the domain as the changed VM (already so, once the
     * plugs wrote its definition), and last deletes the volumes of removed disks when asked ({@code deleted}). A
     * failure unplugs, plugs back and deletes what was done. Only the last disks are removed live, so the disks it
     * keeps keep their targets.
     */
    static OperationPlan reconfigureLive(Vm before, Vm changed, Room room, String hostId, List<Step> made,
            java.util.Map<String, Long> grownTo, List<Step> deleted, String owner) {
        DomainSpec previous = DomainBuilder.specOf(before, room);
        List<DomainSpec.NicSpec> was = previous.nics();
        DomainSpec spec = DomainBuilder.specOf(changed, room);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.RecordVm(changed));
        steps.addAll(made);
        was.stream().filter(nic -> spec.nics().stream().noneMatch(kept -> kept.mac().equals(nic.mac())))
                .forEach(nic -> steps.add(new Step.DetachNic(hostId, changed.id(), nic)));
        spec.nics().stream().filter(nic -> was.stream().noneMatch(held -> held.mac().equals(nic.mac())))
                .forEach(nic -> steps.add(new Step.AttachNic(hostId, changed.id(), nic)));
        int kept = 0;
        for (int i = 0; i < before.disks().size(); i++) {
            String name = before.disks().get(i).name();
            if (changed.disks().stream().anyMatch(disk -> disk.name().equals(name))) {
                kept++;
            } else {
                steps.add(new Step.DetachDisk(hostId, changed.id(), previous.disks().get(i)));
            }
        }
        for (int i = kept; i < spec.disks().size(); i++) {
            steps.add(new Step.AttachDisk(hostId, changed.id(), spec.disks().get(i)));
        }
        for (int i = 0; i < changed.disks().size(); i++) {
            Long bytes = grownTo.get(changed.disks().get(i).name());
            if (bytes != null) {
                steps.add(new Step.GrowDisk(hostId, changed.id(), spec.disks().get(i).target(), bytes));
            }
        }
        if (spec.vcpus() != previous.vcpus()) {
            steps.add(new Step.SetVcpus(hostId, changed.id(), spec.vcpus(), previous.vcpus()));
        }
        if (spec.memoryMib() != previous.memoryMib()) {
            steps.add(new Step.SetMemory(hostId, changed.id(), spec.memoryMib(), previous.memoryMib()));
        }
        steps.add(new Step.DefineVm(hostId, spec));
        steps.addAll(deleted);
        return new OperationPlan("vm.reconfigure", changed.id(), owner, steps);
    }

    static OperationPlan start(Vm vm, String hostId, String owner) {
        return new OperationPlan("vm.start", vm.id(), owner, List.of(new Step.StartVm(hostId, vm.id())));
    }

    /** Live migration: the step moves the domain, then the VM in the inventory. */
    static OperationPlan migrate(Vm vm, String fromHostId, String toHostId, Long bandwidthMibps, String owner) {
        return migrate(vm, fromHostId, toHostId, bandwidthMibps, LocalDiskCopy.NONE, owner);
    }

    /**
     * Live migration that copies local disks: the target's volumes are made first (each undone by deleting it if
     * the migration fails or is cancelled), then the domain moves with its disks and the VM is recorded on the
     * target's datastores, and only then, the VM running on the target, the source's volumes are deleted.
     */
    static OperationPlan migrate(Vm vm, String fromHostId, String toHostId, Long bandwidthMibps, LocalDiskCopy copy,
            String owner) {
        List<Step> steps = new ArrayList<>(copy.creates());
        steps.add(new Step.MigrateVm(vm.id(), fromHostId, toHostId, bandwidthMibps, copy.moves()));
        steps.addAll(copy.deletes());
        return new OperationPlan("vm.migrate", vm.id(), owner, steps);
    }

    static OperationPlan stop(Vm vm, String hostId, boolean force, int timeoutSeconds, String owner) {
        Step step = force ? new Step.DestroyVm(hostId, vm.id()) : new Step.ShutdownVm(hostId, vm.id(), timeoutSeconds);
        return new OperationPlan("vm.stop", vm.id(), owner, List.of(step));
    }

    /** Paddock takes an unregistered VM as its own: only the inventory changes, the domain is left as it runs. */
    static OperationPlan adopt(Vm vm, String owner) {
        return new OperationPlan("vm.adopt", vm.id(), owner,
                List.of(new Step.RecordVm(vm.withOrigin(VmOrigin.MANAGED))));
    }

    /** Pauses the domain and cuts its NICs, then records it as quarantined. */
    static OperationPlan quarantine(Vm vm, String hostId, String owner) {
        return new OperationPlan("vm.quarantine", vm.id(), owner, List.of(
                new Step.QuarantineVm(hostId, vm.id()),
                new Step.RecordVm(vm.withOrigin(VmOrigin.QUARANTINED).withState(VmState.PAUSED))));
    }

    /** Powers off (a no-op when stopped), undefines, then forgets; a VM never placed is only forgotten. */
    static OperationPlan delete(Vm vm, String owner) {
        return delete(vm, List.of(), owner);
    }

    /**
     * Powers off (a no-op when stopped), undefines, deletes {@code volumes} (see {@link #diskVolumes}), then forgets:
     * the VM stays in the inventory until its disks are gone, so a delete that fails half-way can be asked again.
     */
    static OperationPlan delete(Vm vm, List<Step> volumes, String owner) {
        List<Step> steps = new ArrayList<>();
        vm.hostId().ifPresent(host -> {
            steps.add(new Step.DestroyVm(host, vm.id()));
            steps.add(new Step.UndefineVm(host, vm.id()));
        });
        steps.addAll(volumes);
        steps.add(new Step.ForgetVm(vm.id()));
        return new OperationPlan("vm.delete", vm.id(), owner, steps);
    }

    /**
     * The deletes of the volumes a VM's disks are, each on a host where its datastore's pool is started (the VM's
     * own host first): a linked clone's overlay, a copy, an empty disk, the cloud-init seed, a volume the VM was
     * given as it is. Never an image of the library (a linked clone's image, or an image given as a volume). A disk
     * of a datastore declared by hand, or recorded before volumes, has no volume: nothing to delete. The step keeps
     * a LUN of an iSCSI pool, which cannot be deleted, and says so. A volume of an nfs datastore (no pool, no host
     * mounts it) is removed by the server over NFS.
     *
     * @param images the volumes of the image library, as datastore id and volume name
     * @throws PaddockException.Conflict when a volume's pool is started on no host
     */
    static List<Step> diskVolumes(Vm vm, Room room, Set<Map.Entry<String, String>> images) {
        List<Step> deletes = new ArrayList<>();
        for (Disk disk : vm.disks()) {
            Optional<dev.paddock.model.NfsExport> export = room.datastore(disk.datastoreId())
                    .flatMap(Datastore::nfsExport);
            if (export.isPresent() && disk.hasVolume()
                    && !images.contains(Map.entry(disk.datastoreId(), disk.volume()))) {
                deletes.add(new Step.DeleteNfsVolume(disk.datastoreId(), export.get(), disk.volume()));
                continue;
            }
            Optional<Datastore> datastore = room.datastore(disk.datastoreId()).filter(Datastore::backedByPools);
            if (!disk.hasVolume() || datastore.isEmpty()
                    || images.contains(Map.entry(disk.datastoreId(), disk.volume()))) {
                continue;
            }
            Datastore store = datastore.get();
            String host = vm.hostId().filter(h -> startedOn(store, h)).or(() -> store.hostIds().stream()
                    .filter(h -> startedOn(store, h)).sorted().findFirst()).orElseThrow(() ->
                    new PaddockException.Conflict("Disk '" + disk.name() + "' of VM '" + vm.name() + "' is volume '"
                            + disk.volume() + "' of datastore '" + store.name() + "', whose pool is started on no"
                            + " host; start it, or delete the VM with disks=keep."));
            deletes.add(new Step.DeleteVolume(host, store.pools().get(host), disk.volume()));
        }
        return deletes;
    }

    private static boolean startedOn(Datastore datastore, String hostId) {
        return datastore.hostIds().contains(hostId) && datastore.pools().containsKey(hostId);
    }
}
