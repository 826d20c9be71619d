package dev.paddock.operation.plan;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.model.Network;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.model.Datastore;
import dev.paddock.model.NfsExport;
import dev.paddock.model.Nic;
import dev.paddock.model.Vm;
import java.util.List;
import java.util.Optional;

/**
 * One idempotent action of an Operation. Planners emit steps; the server's runner journals each one
 * before it acts and checks the real state first, so a step run twice after a crash has its effect once.
 *
 * <p>Steps are plain values so that the journal can persist them and a restarted server can read them
 * back. Add a step by adding a record here and a case to the runner's switch; the compiler finds the rest.
 */
public sealed interface Step
        permits Step.RecordVm,
                Step.DefineVm,
                Step.StartVm,
                Step.ShutdownVm,
                Step.DestroyVm,
                Step.UndefineVm,
                Step.MigrateVm,
                Step.ForgetVm,
                Step.QuarantineVm,
                Step.FenceHost,
                Step.PowerOffHost,
                Step.PowerOnHost,
                Step.DefineNetwork,
                Step.UndefineNetwork,
                Step.RecordNetwork,
                Step.ForgetNetwork,
                Step.RecordDatastore,
                Step.ForgetDatastore,
                Step.DefinePool,
                Step.UndefinePool,
                Step.CreateNfsVolume,
                Step.DeleteNfsVolume,
                Step.CloneNfsVolume,
                Step.WriteNfsSeed,
                Step.ResizeNfsVolume,
                Step.CreateVolume,
                Step.CloneVolume,
                Step.WriteSeed,
                Step.DeleteVolume,
                Step.ResizeVolume,
                Step.AttachNic,
                Step.DetachNic,
                Step.AttachDisk,
                Step.DetachDisk,
                Step.GrowDisk,
                Step.SetVcpus,
                Step.SetMemory,
                Step.MirrorNic,
                Step.BeginBackup,
                Step.CopyBackup,
                Step.EndBackup,
                Step.DeleteCheckpoint,
                Step.ForgetCheckpoints,
                Step.ForgetRestorePoint,
                Step.RestoreVolume,
                Step.Parallel {

    /** A short human sentence for progress displays and the audit log. */
    String describe();

    /** Writes the VM into the inventory (insert or replace), before anything exists on a host. */
    record RecordVm(Vm vm) implements Step {
        public String describe() {
            return "record VM " + vm.name() + " in inventory";
        }
    }

    /** Defines the domain on a host; already defined with the same UUID means done. */
    record DefineVm(String hostId, DomainSpec spec) implements Step {
        public String describe() {
            return "define " + spec.name() + " on " + hostId;
        }
    }

    /** Starts the domain; already running means done. */
    record StartVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "start VM " + vmId + " on " + hostId;
        }
    }

    /** Asks the guest to shut down and waits up to {@code timeoutSeconds}, then powers it off. */
    record ShutdownVm(String hostId, String vmId, int timeoutSeconds) implements Step {
        public String describe() {
            return "shut down VM " + vmId + " on " + hostId;
        }
    }

    /** Powers the domain off at once; not running means done. */
    record DestroyVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "power off VM " + vmId + " on " + hostId;
        }
    }

    /** Removes the domain's definition from a host; unknown means done. */
    record UndefineVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "undefine VM " + vmId + " on " + hostId;
        }
    }

    /**
     * Live-migrates the domain; already running on the destination means done. The VM is then recorded on the
     * destination, its moved disks on their new datastores, in one write.
     *
     * @param bandwidthMibps a cap on the migration's bandwidth in MiB/s, null for none (as journals written before
     *     the cap read)
     * @param disks the disks copied to the destination while the guest runs (local disks), empty when every disk is
     *     on storage both hosts see (a journal written before storage migration reads null: empty)
     */
    record MigrateVm(String vmId, String fromHostId, String toHostId, Long bandwidthMibps, List<DiskMove> disks)
            implements Step {
        public MigrateVm {
            if (bandwidthMibps != null && bandwidthMibps < 1) {
                throw new IllegalArgumentException("a migration needs at least 1 MiB/s, not " + bandwidthMibps);
            }
            disks = disks == null ? List.of() : List.copyOf(disks);
        }

        /** A migration over shared storage. */
        public MigrateVm(String vmId, String fromHostId, String toHostId, Long bandwidthMibps) {
            this(vmId, fromHostId, toHostId, bandwidthMibps, List.of());
        }

        /** A migration at the full speed of the link. */
        public MigrateVm(String vmId, String fromHostId, String toHostId) {
            this(vmId, fromHostId, toHostId, null);
        }

        /** True when disks travel with the guest. */
        public boolean copiesStorage() {
            return !disks.isEmpty();
        }

        public String describe() {
            return "migrate VM " + vmId + " from " + fromHostId + " to " + toHostId
                    + (disks.isEmpty() ? "" : " with its disks " + String.join(", ",
                            disks.stream().map(DiskMove::disk).toList()))
                    + (bandwidthMibps == null ? "" : " at most " + bandwidthMibps + " MiB/s");
        }
    }

    /**
     * A disk a migration copies: from its datastore on the source host to its counterpart on the destination.
     *
     * @param overImage true when the disk is a layer over an image that the destination holds too: only the layer
     *     is copied
     */
    record DiskMove(String disk, String fromDatastoreId, String toDatastoreId, boolean overImage) {
        /** The same disk going back. */
        public DiskMove reversed() {
            return new DiskMove(disk, toDatastoreId, fromDatastoreId, overImage);
        }
    }

    /**
     * Pauses a domain Paddock did not make and cuts its NICs' links; already paused means done. Never undone by a
     * rollback: releasing a rogue VM is a person's decision.
     */
    record QuarantineVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "quarantine VM " + vmId + " on " + hostId + " (pause, NIC links down)";
        }
    }

    /** Removes the VM from the inventory; absent means done. */
    record ForgetVm(String vmId) implements Step {
        public String describe() {
            return "remove VM " + vmId + " from inventory";
        }
    }

    /**
     * Powers a host off through its fence device and confirms it off; a host whose device already reports it off
     * is done. Never undone: a host is powered on again by a person, or by HA once it is known safe. The device
     * (with its password) is looked up when the step runs, so no secret is journaled.
     */
    record FenceHost(String hostId) implements Step {
        public String describe() {
            return "fence host " + hostId + " (power off, confirmed)";
        }
    }

    /**
     * Powers a host off through its fence device (its BMC) and confirms it off, for power saving: the host is in
     * maintenance and empty when this runs. Never undone here: {@link PowerOnHost} brings it back.
     */
    record PowerOffHost(String hostId) implements Step {
        public String describe() {
            return "power host " + hostId + " off for standby (confirmed)";
        }
    }

    /** Powers a host on through its fence device (its BMC) and confirms it on: a host back from standby. */
    record PowerOnHost(String hostId) implements Step {
        public String describe() {
            return "power host " + hostId + " on (confirmed)";
        }
    }

    /** Defines, starts and autostarts a libvirt network on a host; the host holding it as asked means done. */
    record DefineNetwork(String hostId, NetworkSpec spec) implements Step {
        public String describe() {
            return "define network " + spec.name() + " on " + hostId + (spec.openvswitch()
                    ? " over switch " + spec.bridge() + spec.vlan().stream().mapToObj(tag -> " in VLAN " + tag)
                            .findFirst().orElse("")
                    : spec.hostBridge().isPresent() ? " over bridge " + spec.bridge()
                    : " (isolated, bridge " + spec.bridge() + ")");
        }
    }

    /** Stops and removes a libvirt network from a host; absent means done. */
    record UndefineNetwork(String hostId, String name) implements Step {
        public String describe() {
            return "undefine network " + name + " on " + hostId;
        }
    }

    /** Writes the network, with the hosts that carry it, into the inventory (insert or replace). */
    record RecordNetwork(Network network) implements Step {
        public String describe() {
            return "record network " + network.name() + " in inventory, carried by "
                    + String.join(", ", network.hostIds());
        }
    }

    /** Removes the network from the inventory; absent means done. */
    record ForgetNetwork(String networkId) implements Step {
        public String describe() {
            return "remove network " + networkId + " from inventory";
        }
    }

    /**
     * Writes the datastore into the inventory (insert or replace): before any host has its pool, without hosts, and
     * again once each has it, with the hosts through which it is reached, so that the next request finds them.
     */
    record RecordDatastore(Datastore datastore) implements Step {
        public String describe() {
            return "record datastore " + datastore.name() + " in inventory" + (datastore.hostIds().isEmpty() ? ""
                    : ", reached through " + String.join(", ", new java.util.TreeSet<>(datastore.hostIds())));
        }
    }

    /** Removes the datastore from the inventory; absent means done. */
    record ForgetDatastore(String datastoreId) implements Step {
        public String describe() {
            return "remove datastore " + datastoreId + " from inventory";
        }
    }

    /**
     * Defines, builds, starts and autostarts a storage pool on a host; a pool of that name over the same storage,
     * or one over the same storage under another name, means done.
     */
    record DefinePool(String hostId, PoolSpec spec) implements Step {
        public String describe() {
            return "define " + spec.type().xmlName() + " storage pool " + spec.name() + " on " + hostId;
        }
    }

    /** Stops a storage pool and removes its definition, its storage untouched; unknown means done. */
    record UndefinePool(String hostId, String name) implements Step {
        public String describe() {
            return "undefine storage pool " + name + " on " + hostId;
        }
    }

    /** Creates an empty volume in a started pool; one of that name there already means done. */
    record CreateVolume(String hostId, String pool, String name, long capacityMib, String format) implements Step {
        public String describe() {
            return "create " + format + " volume " + name + " of " + capacityMib + " MiB in pool " + pool + " on "
                    + hostId;
        }
    }

    /**
     * Makes the volume {@code name} a linked clone (a qcow2 layer) or a full copy of the pool's volume {@code from};
     * one of that name there already means done.
     */
    record CloneVolume(String hostId, String pool, String name, String from, boolean linked, long capacityBytes)
            implements Step {
        public String describe() {
            return (linked ? "make linked clone " : "copy ") + name + " of " + from + " in pool " + pool + " on "
                    + hostId;
        }
    }

    /**
     * Writes a cloud-init NoCloud seed (an ISO 9660 image labelled {@code cidata} holding the three documents) as
     * the volume {@code name}, replacing one of that name, so running it again is harmless.
     *
     * @param networkConfig the network-config document, "" for none
     */
    record WriteSeed(String hostId, String pool, String name, String metaData, String userData, String networkConfig)
            implements Step {
        public String describe() {
            return "write cloud-init seed " + name + " in pool " + pool + " on " + hostId;
        }
    }

    /** Deletes a volume from a pool; an unknown volume means done. */
    record DeleteVolume(String hostId, String pool, String name) implements Step {
        public String describe() {
            return "delete volume " + name + " from pool " + pool + " on " + hostId;
        }
    }

    /**
     * Makes the empty image file {@code name} of {@code sizeBytes} in the export of the NFS datastore
     * {@code datastoreId}, the server itself reaching the export (no host mounts it); a file of that name there
     * already means done. Then records the datastore's sizes as the server reports them.
     */
    record CreateNfsVolume(String datastoreId, NfsExport export, String name, String format, long sizeBytes)
            implements Step {
        public CreateNfsVolume {
            if (!NfsExport.isFileName(name)) {
                throw new IllegalArgumentException("not a file name for an NFS export: '" + name + "'");
            }
            if (!format.equals("qcow2") && !format.equals("raw")) {
                throw new IllegalArgumentException("volume format must be qcow2 or raw, not " + format);
            }
            if (sizeBytes <= 0) {
                throw new IllegalArgumentException("volume size must be positive");
            }
        }

        public String describe() {
            return "create " + format + " volume " + name + " of " + sizeBytes + " bytes on " + export.key();
        }
    }

    /**
     * Removes the file {@code name} from the export of the NFS datastore {@code datastoreId}, over NFS; absent means
     * done. Then records the datastore's sizes as the server reports them.
     */
    record DeleteNfsVolume(String datastoreId, NfsExport export, String name) implements Step {
        public DeleteNfsVolume {
            if (!NfsExport.isFileName(name)) {
                throw new IllegalArgumentException("not a file name for an NFS export: '" + name + "'");
            }
        }

        public String describe() {
            return "delete volume " + name + " from " + export.key();
        }
    }

    /**
     * Makes the file {@code name} in the export of the NFS datastore {@code datastoreId} a linked clone of the image
     * {@code from} of the same export (a qcow2 layer whose backing file is the image's {@code nfs://} URL) or a full
     * copy of it in {@code fromFormat}, of {@code sizeBytes} at least, the server itself reaching the export; a file of
     * that name there already means done (a copy takes its name only once whole). Then records the datastore's sizes.
     *
     * @param fromFormat the image's format: the layer's backing format, or the copy's
     */
    record CloneNfsVolume(String datastoreId, NfsExport export, String name, String from, String fromFormat,
            boolean linked, long sizeBytes) implements Step {
        public CloneNfsVolume {
            if (!NfsExport.isFileName(name) || !NfsExport.isFileName(from)) {
                throw new IllegalArgumentException("not file names for an NFS export: '" + name + "', '" + from + "'");
            }
            if (!fromFormat.equals("qcow2") && !fromFormat.equals("raw")) {
                throw new IllegalArgumentException("image format must be qcow2 or raw, not " + fromFormat);
            }
            if (sizeBytes <= 0) {
                throw new IllegalArgumentException("volume size must be positive");
            }
        }

        public String describe() {
            return (linked ? "make linked clone " : "copy ") + name + " of " + from + " on " + export.key();
        }
    }

    /**
     * Writes a cloud-init NoCloud seed (an ISO 9660 image labelled {@code cidata} holding the three documents) as the
     * file {@code name} of the export of the NFS datastore {@code datastoreId}, replacing one of that name, so running
     * it again is harmless.
     *
     * @param networkConfig the network-config document, "" for none
     */
    record WriteNfsSeed(String datastoreId, NfsExport export, String name, String metaData, String userData,
            String networkConfig) implements Step {
        public WriteNfsSeed {
            if (!NfsExport.isFileName(name)) {
                throw new IllegalArgumentException("not a file name for an NFS export: '" + name + "'");
            }
        }

        public String describe() {
            return "write cloud-init seed " + name + " on " + export.key();
        }
    }

    /**
     * Grows the image {@code name} (in {@code format}) on the export of the NFS datastore {@code datastoreId} to
     * {@code sizeBytes}; one that large already means done. Never undone, as {@link ResizeVolume}.
     */
    record ResizeNfsVolume(String datastoreId, NfsExport export, String name, String format, long sizeBytes)
            implements Step {
        public ResizeNfsVolume {
            if (!NfsExport.isFileName(name)) {
                throw new IllegalArgumentException("not a file name for an NFS export: '" + name + "'");
            }
            if (sizeBytes < 1) {
                throw new IllegalArgumentException("a volume needs a size, not " + sizeBytes + " bytes");
            }
        }

        public String describe() {
            return "grow volume " + name + " on " + export.key() + " to " + (sizeBytes >> 20) + " MiB";
        }
    }

    /**
     * Grows a volume of a pool to {@code capacityBytes}; one that large already means done. Never undone: a volume is
     * not shrunk under a guest's file systems, and a larger disk is harmless to the definition it had before.
     */
    record ResizeVolume(String hostId, String pool, String name, long capacityBytes) implements Step {
        public ResizeVolume {
            if (capacityBytes < 1) {
                throw new IllegalArgumentException("a volume needs a size, not " + capacityBytes + " bytes");
            }
        }

        public String describe() {
            return "grow volume " + name + " of pool " + pool + " on " + hostId + " to " + (capacityBytes >> 20)
                    + " MiB";
        }
    }

    /** Plugs a NIC into a domain, live when it runs, and into its definition; a NIC of that MAC there means done. */
    record AttachNic(String hostId, String vmId, DomainSpec.NicSpec nic) implements Step {
        public String describe() {
            return "plug NIC " + nic.mac() + " on " + nic.network() + " into VM " + vmId + " on " + hostId;
        }
    }

    /**
     * Unplugs a domain's NIC, live when it runs, and from its definition; no NIC of that MAC there means done. The
     * NIC's whole spec is kept so that an undo plugs it back as it was.
     */
    record DetachNic(String hostId, String vmId, DomainSpec.NicSpec nic) implements Step {
        public String describe() {
            return "unplug NIC " + nic.mac() + " from VM " + vmId + " on " + hostId;
        }
    }

    /** Plugs a disk into a domain, live when it runs, and into its definition; a disk on that target means done. */
    record AttachDisk(String hostId, String vmId, DomainSpec.DiskSpec disk) implements Step {
        public String describe() {
            return "plug disk " + disk.path() + " as " + disk.target() + " into VM " + vmId + " on " + hostId;
        }
    }

    /**
     * Unplugs a domain's disk, live when it runs, and from its definition, its image kept; no disk on that target
     * means done. The disk's whole spec is kept so that an undo plugs it back as it was.
     */
    record DetachDisk(String hostId, String vmId, DomainSpec.DiskSpec disk) implements Step {
        public String describe() {
            return "unplug disk " + disk.target() + " (" + disk.path() + ") from VM " + vmId + " on " + hostId;
        }
    }

    /**
     * Grows a running domain's disk through its hypervisor; one that large already means done. Never undone, as
     * {@link ResizeVolume}.
     */
    record GrowDisk(String hostId, String vmId, String target, long capacityBytes) implements Step {
        public String describe() {
            return "grow disk " + target + " of running VM " + vmId + " on " + hostId + " to " + (capacityBytes >> 20)
                    + " MiB";
        }
    }

    /**
     * Sets a domain's vCPUs, live when it runs, and in its definition; that many there means done. The count it had
     * ({@code previous}) is kept so that an undo sets it back.
     */
    record SetVcpus(String hostId, String vmId, int vcpus, int previous) implements Step {
        public SetVcpus {
            if (vcpus < 1 || previous < 1) {
                throw new IllegalArgumentException("a domain has at least one vCPU, not " + Math.min(vcpus, previous));
            }
        }

        public String describe() {
            return "set VM " + vmId + " on " + hostId + " to " + vcpus + " vCPUs (from " + previous + ")";
        }
    }

    /**
     * Sets a domain's memory, live when it runs (a memory module plugged in, or unplugged on an undo), and in its
     * definition; that much there means done. The size it had ({@code previousMib}) is kept so that an undo sets it
     * back.
     */
    record SetMemory(String hostId, String vmId, long memoryMib, long previousMib) implements Step {
        public SetMemory {
            if (memoryMib < 1 || previousMib < 1) {
                throw new IllegalArgumentException("a domain needs memory, not " + Math.min(memoryMib, previousMib)
                        + " MiB");
            }
        }

        public String describe() {
            return "set VM " + vmId + " on " + hostId + " to " + memoryMib + " MiB of memory (from " + previousMib
                    + " MiB)";
        }
    }

    /**
     * Copies the traffic of a running domain's NIC out of another port of its switch ({@code mirror}), or stops
     * copying (empty); the mirror it had ({@code previous}) is kept so that an undo puts it back. The port already
     * mirrored so means done.
     */
    record MirrorNic(String hostId, String vmId, String mac, Optional<Nic.Mirror> mirror,
                     Optional<Nic.Mirror> previous) implements Step {
        public MirrorNic {
            mirror = mirror == null ? Optional.empty() : mirror;
            previous = previous == null ? Optional.empty() : previous;
        }

        public String describe() {
            return mirror.map(m -> "mirror NIC " + mac + " of VM " + vmId + " on " + hostId + " (" + m.direction()
                    .name().toLowerCase(java.util.Locale.ROOT) + ") to port " + m.port())
                    .orElse("stop mirroring NIC " + mac + " of VM " + vmId + " on " + hostId);
        }
    }

    /**
     * Begins a pull-mode backup of the running domain: its host exports the disks over NBD at {@code address:port}
     * and creates checkpoint {@code checkpoint}; incremental from checkpoint {@code since} unless it is empty. The
     * checkpoint there already means done (it is made in the same instant as the export). Undone by an
     * {@link EndBackup} that drops the checkpoint.
     */
    record BeginBackup(String hostId, String vmId, String checkpoint, String since, List<String> disks,
            String address, int port) implements Step {
        public BeginBackup {
            since = since == null ? "" : since;
            disks = List.copyOf(disks);
        }

        public String describe() {
            return "begin " + (since.isEmpty() ? "a full" : "an incremental") + " backup of VM " + vmId + " on "
                    + hostId + " (checkpoint " + checkpoint + (since.isEmpty() ? "" : ", changes since " + since)
                    + ")";
        }
    }

    /**
     * Reads the export {@link BeginBackup} opened into restore point {@code pointId} of repository
     * {@code repositoryId}: the whole of each disk, or with a {@code parentPointId} only the ranges the export's
     * dirty bitmap marks, over the parent's map. The point there already means done; nothing of it is visible
     * until it is whole. Undone by {@link ForgetRestorePoint}.
     */
    record CopyBackup(String repositoryId, String vmId, String pointId, String parentPointId, String address,
            int port, List<String> disks, long takenMillis) implements Step {
        public CopyBackup {
            parentPointId = parentPointId == null ? "" : parentPointId;
            disks = List.copyOf(disks);
        }

        public String describe() {
            return "copy " + (parentPointId.isEmpty() ? "every disk" : "what changed") + " of VM " + vmId
                    + " into restore point " + pointId + " of backup repository " + repositoryId;
        }
    }

    /**
     * Ends the domain's backup export (none running means done), then deletes checkpoint {@code dropCheckpoint}
     * unless it is empty: the undo of a {@link BeginBackup}, whose checkpoint no restore point came to rest on.
     * Never undone.
     */
    record EndBackup(String hostId, String vmId, String dropCheckpoint) implements Step {
        public EndBackup {
            dropCheckpoint = dropCheckpoint == null ? "" : dropCheckpoint;
        }

        public String describe() {
            return "end the backup export of VM " + vmId + " on " + hostId
                    + (dropCheckpoint.isEmpty() ? "" : " and delete its checkpoint " + dropCheckpoint);
        }
    }

    /** Deletes a checkpoint of the domain (its bitmaps merged into the next); none of that name means done. */
    record DeleteCheckpoint(String hostId, String vmId, String name) implements Step {
        public String describe() {
            return "delete checkpoint " + name + " of VM " + vmId + " on " + hostId;
        }
    }

    /**
     * Drops the host's record of every checkpoint of a stopped domain, their bitmaps left in the images: before its
     * disks are replaced (an in-place restore), so that no backup looks for bitmaps the new images lack. Never undone:
     * without its checkpoints the VM's next backup reads its disks whole.
     */
    record ForgetCheckpoints(String hostId, String vmId) implements Step {
        public String describe() {
            return "forget the checkpoints of VM " + vmId + " on " + hostId;
        }
    }

    /** Removes a restore point from a repository (its chunks go at the next prune); none there means done. */
    record ForgetRestorePoint(String repositoryId, String pointId) implements Step {
        public String describe() {
            return "forget restore point " + pointId + " of backup repository " + repositoryId;
        }
    }

    /**
     * Writes disk {@code disk} of restore point {@code pointId} into a new qcow2 volume {@code name} of pool
     * {@code pool} on {@code hostId}. A volume of that name there already means done (an upload takes its name only
     * once whole). Undone by deleting the volume.
     */
    record RestoreVolume(String repositoryId, String pointId, String disk, String hostId, String pool, String name)
            implements Step {
        public String describe() {
            return "restore disk " + disk + " of restore point " + pointId + " into volume " + name + " of " + pool
                    + " on " + hostId;
        }
    }

    /**
     * Runs {@code steps} at the same time and is done when each of them is; each keeps its own idempotence, so a
     * run again after a crash acts only on what the first run had not done. For independent steps only (starts of
     * different VMs): their order is not kept. Not nested.
     *
     * @param atMost how many run at the same time: the next begins as soon as one ends; 0 for all of them at once
     *     (a journal written before the limit existed reads null: 0)
     */
    record Parallel(List<Step> steps, Integer atMost) implements Step {
        public Parallel {
            steps = List.copyOf(steps);
            atMost = atMost == null ? 0 : atMost;
            if (steps.stream().anyMatch(Parallel.class::isInstance)) {
                throw new IllegalArgumentException("parallel steps are not nested");
            }
            if (atMost < 0) {
                throw new IllegalArgumentException("at most " + atMost + " steps at once makes no sense");
            }
        }

        /** All of {@code steps} at once. */
        public Parallel(List<Step> steps) {
            this(steps, 0);
        }

        /**
         * {@code steps} as one step: the step itself when there is one, else a parallel step running at most
         * {@code atMost} at once (0: all), the next beginning as one ends.
         */
        public static Step of(List<Step> steps, int atMost) {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("no steps to run");
            }
            return steps.size() == 1 ? steps.getFirst() : new Parallel(steps, atMost);
        }

        /** How many run at the same time. */
        public int width() {
            return atMost == 0 ? steps.size() : Math.min(atMost, steps.size());
        }

        public String describe() {
            if (steps.size() == 1) {
                return steps.getFirst().describe();
            }
            String joined = String.join("; ", steps.stream().map(Step::describe).toList());
            return width() == steps.size() ? "at once: " + joined : width() + " at a time: " + joined;
        }
    }
}
