package dev.paddock.operation;

import dev.paddock.operation.plan.Step;

import java.util.List;
import java.util.Optional;

/**
 * The step that undoes a step whose effect started from nothing: a VM recorded that was not known, a
 * domain defined that did not exist, started that was not running, migrated that was not on the
 * destination, a network defined or recorded that was not there, a datastore recorded or a storage pool defined
 * that did not exist, a volume created, cloned or written that was not there, a file made, cloned or written on an NFS export
 * that was not there, a backup begun or a restore point or restored volume written that was not there. Destructive steps (power off, undefine, forget, fence) have none: what they removed is not in the
 * step to put back. {@link StepExecutor#undoOf} checks the real state and uses this when it applies.
 */
public final class Compensation {

    private Compensation() {}

    public static Optional<Step> of(Step step) {
        return switch (step) {
            case Step.RecordVm record -> Optional.of(new Step.ForgetVm(record.vm().id()));
            case Step.DefineVm define -> Optional.of(new Step.UndefineVm(define.hostId(), define.spec().uuid()));
            case Step.StartVm start -> Optional.of(new Step.DestroyVm(start.hostId(), start.vmId()));
            case Step.MigrateVm migrate -> Optional.of(new Step.MigrateVm(migrate.vmId(), migrate.toHostId(),
                    migrate.fromHostId(), null, migrate.disks().stream().map(Step.DiskMove::reversed).toList()));
            case Step.ShutdownVm ignored -> Optional.empty();
            case Step.DestroyVm ignored -> Optional.empty();
            case Step.UndefineVm ignored -> Optional.empty();
            case Step.ForgetVm ignored -> Optional.empty();
            case Step.QuarantineVm ignored -> Optional.empty();
            case Step.FenceHost ignored -> Optional.empty();
            case Step.PowerOffHost ignored -> Optional.empty();
            case Step.PowerOnHost ignored -> Optional.empty();
            case Step.DefineNetwork define ->
                    Optional.of(new Step.UndefineNetwork(define.hostId(), define.spec().name()));
            case Step.UndefineNetwork ignored -> Optional.empty();
            case Step.RecordNetwork record -> Optional.of(new Step.ForgetNetwork(record.network().id()));
            case Step.ForgetNetwork ignored -> Optional.empty();
            case Step.RecordDatastore record -> Optional.of(new Step.ForgetDatastore(record.datastore().id()));
            case Step.DefinePool define -> Optional.of(new Step.UndefinePool(define.hostId(), define.spec().name()));
            case Step.ForgetDatastore ignored -> Optional.empty();
            case Step.UndefinePool ignored -> Optional.empty();
            case Step.CreateNfsVolume create ->
                    Optional.of(new Step.DeleteNfsVolume(create.datastoreId(), create.export(), create.name()));
            case Step.DeleteNfsVolume ignored -> Optional.empty();
            case Step.CloneNfsVolume clone ->
                    Optional.of(new Step.DeleteNfsVolume(clone.datastoreId(), clone.export(), clone.name()));
            case Step.ResizeNfsVolume ignored -> Optional.empty();
            case Step.WriteNfsSeed seed ->
                    Optional.of(new Step.DeleteNfsVolume(seed.datastoreId(), seed.export(), seed.name()));
            case Step.CreateVolume create -> Optional.of(new Step.DeleteVolume(create.hostId(), create.pool(),
                    create.name()));
            case Step.CloneVolume clone -> Optional.of(new Step.DeleteVolume(clone.hostId(), clone.pool(), clone.name()));
            case Step.WriteSeed seed -> Optional.of(new Step.DeleteVolume(seed.hostId(), seed.pool(), seed.name()));
            case Step.DeleteVolume ignored -> Optional.empty();
            case Step.ResizeVolume ignored -> Optional.empty();
            case Step.AttachNic attach -> Optional.of(new Step.DetachNic(attach.hostId(), attach.vmId(), attach.nic()));
            case Step.AttachDisk attach -> Optional.of(new Step.DetachDisk(attach.hostId(), attach.vmId(),
                    attach.disk()));
            case Step.DetachDisk detach -> Optional.of(new Step.AttachDisk(detach.hostId(), detach.vmId(),
                    detach.disk()));
            case Step.GrowDisk ignored -> Optional.empty();
            case Step.DetachNic detach -> Optional.of(new Step.AttachNic(detach.hostId(), detach.vmId(), detach.nic()));
            case Step.SetVcpus set -> Optional.of(new Step.SetVcpus(set.hostId(), set.vmId(), set.previous(),
                    set.vcpus()));
            case Step.SetMemory set -> Optional.of(new Step.SetMemory(set.hostId(), set.vmId(), set.previousMib(),
                    set.memoryMib()));
            case Step.MirrorNic mirror -> Optional.of(new Step.MirrorNic(mirror.hostId(), mirror.vmId(), mirror.mac(),
                    mirror.previous(), mirror.mirror()));
            case Step.BeginBackup begin -> Optional.of(new Step.EndBackup(begin.hostId(), begin.vmId(),
                    begin.checkpoint()));
            case Step.CopyBackup copy -> Optional.of(new Step.ForgetRestorePoint(copy.repositoryId(), copy.pointId()));
            case Step.EndBackup ignored -> Optional.empty();
            case Step.DeleteCheckpoint ignored -> Optional.empty();
            case Step.ForgetCheckpoints ignored -> Optional.empty();
            case Step.ForgetRestorePoint ignored -> Optional.empty();
            case Step.RestoreVolume restore -> Optional.of(new Step.DeleteVolume(restore.hostId(), restore.pool(),
                    restore.name()));
            case Step.Parallel parallel -> {
                List<Step> undos = parallel.steps().stream().flatMap(part -> of(part).stream()).toList();
                yield undos.isEmpty() ? Optional.empty() : Optional.of(new Step.Parallel(undos, parallel.atMost()));
            }
        };
    }
}
