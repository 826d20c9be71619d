package dev.paddock.operation;

import dev.paddock.operation.plan.Step;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.model.Datastore;
import dev.paddock.model.NfsExport;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.VmState;
import dev.paddock.storage.LocalDiskMoves;
import dev.paddock.storage.LibnfsExports;
import dev.paddock.storage.NfsExports;
import dev.paddock.store.InventoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Carries out one step through the Hypervisor port and the inventory. Every action looks at the real
 * state first and does nothing when the step's effect is already there, so the journal may run a step
 * again after a crash without repeating its effect.
 */
public final class StepExecutor {

    private static final Duration SHUTDOWN_POLL = Duration.ofMillis(200);

    /** A step that waits gave up because the runner is closing; it has not failed and will run again. */
    public static final class Interrupted extends RuntimeException {
        Interrupted(String message) {
            super(message);
        }
    }

    private final Hypervisor hypervisor;
    private final InventoryStore store;
    private final BooleanSupplier closing;
    private final HostFencing fencing;
    private final NfsExports nfs;
    private final BackupCopies backups;
    /** How far each running copy into a backup repository is, by restore point id. */
    private final Map<String, Double> backingUp = new ConcurrentHashMap<>();
    /** How far each running migration is, by VM id: what libvirt's job reports while the step runs. */
    private final Map<String, Double> migrating = new ConcurrentHashMap<>();
    /** By VM, the migrate call under way: one token per call, so that an abort outlives only its own call. */
    private final Map<String, Object> migrateCalls = new ConcurrentHashMap<>();
    /** How long an abort keeps asking for a migration whose job has not shown itself yet. */
    private static final Duration ABORT_PATIENCE = Duration.ofMinutes(1);
    /** How far each running copy onto an NFS export is, by the copy's URL. */
    private final Map<String, Double> copying = new ConcurrentHashMap<>();

    /** {@code closing} tells a step that waits (a guest shutdown) to stop waiting. */
    public StepExecutor(Hypervisor hypervisor, InventoryStore store, BooleanSupplier closing) {
        this(hypervisor, store, closing, HostFencing.NONE);
    }

    public StepExecutor(Hypervisor hypervisor, InventoryStore store, BooleanSupplier closing, HostFencing fencing) {
        this(hypervisor, store, closing, fencing, new LibnfsExports());
    }

    /** {@code nfs} reaches the exports of NFS datastores that no host mounts. */
    public StepExecutor(Hypervisor hypervisor, InventoryStore store, BooleanSupplier closing, HostFencing fencing,
            NfsExports nfs) {
        this(hypervisor, store, closing, fencing, nfs, BackupCopies.NONE);
    }

    /** {@code backups} holds the restore points that backup and restore steps write and read. */
    public StepExecutor(Hypervisor hypervisor, InventoryStore store, BooleanSupplier closing, HostFencing fencing,
            NfsExports nfs, BackupCopies backups) {
        this.backups = backups;
        this.hypervisor = hypervisor;
        this.store = store;
        this.closing = closing;
        this.fencing = fencing;
        this.nfs = nfs;
    }

    /** Brings about {@code step}'s effect, writing what it did (or found) to {@code log}. */
    public void execute(Step step, Consumer<String> log) {
        switch (step) {
            case Step.RecordVm s -> {
                store.put(s.vm());
                log.accept("recorded VM " + s.vm().id());
            }
            case Step.DefineVm s -> define(s, log);
            case Step.StartVm s -> start(s, log);
            case Step.ShutdownVm s -> shutdown(s, log);
            case Step.DestroyVm s -> destroy(s.hostId(), s.vmId(), log);
            case Step.UndefineVm s -> undefine(s, log);
            case Step.MigrateVm s -> migrate(s, log);
            case Step.QuarantineVm s -> quarantine(s, log);
            case Step.ForgetVm s -> log.accept(store.deleteVm(s.vmId())
                    ? "removed VM " + s.vmId() + " from inventory"
                    : "VM " + s.vmId() + " was not in inventory");
            case Step.PowerOffHost s -> {
                HostFencing.Fenced off = fencing.powerOff(s.hostId());
                log.accept((off.wasOff() ? "host " + s.hostId() + " already off: " : "host " + s.hostId()
                        + " powered off for standby: ") + off.detail());
            }
            case Step.PowerOnHost s -> log.accept("host " + s.hostId() + " powered on: "
                    + fencing.powerOn(s.hostId()).detail());
            case Step.FenceHost s -> {
                HostFencing.Fenced fenced = fencing.powerOff(s.hostId());
                log.accept((fenced.wasOff() ? "host " + s.hostId() + " already off: " : "fenced host " + s.hostId()
                        + ": ") + fenced.detail());
            }
            case Step.DefineNetwork s -> defineNetwork(s, log);
            case Step.UndefineNetwork s -> {
                boolean held = hasNetwork(s.hostId(), s.name());
                hypervisor.undefineNetwork(s.hostId(), s.name());
                log.accept(held ? "undefined network " + s.name() + " on " + s.hostId()
                        : "network " + s.name() + " was not on " + s.hostId());
            }
            case Step.RecordNetwork s -> {
                store.put(s.network());
                log.accept("recorded network " + s.network().id() + " carried by " + s.network().hostIds());
            }
            case Step.ForgetNetwork s -> log.accept(store.deleteNetwork(s.networkId())
                    ? "removed network " + s.networkId() + " from inventory"
                    : "network " + s.networkId() + " was not in inventory");
            case Step.RecordDatastore s -> {
                store.put(s.datastore());
                log.accept("recorded datastore " + s.datastore().id());
            }
            case Step.ForgetDatastore s -> log.accept(store.deleteDatastore(s.datastoreId())
                    ? "removed datastore " + s.datastoreId() + " from inventory"
                    : "datastore " + s.datastoreId() + " was not in inventory");
            case Step.BeginBackup s -> beginBackup(s, log);
            case Step.CopyBackup s -> copyBackup(s, log);
            case Step.EndBackup s -> {
                hypervisor.endBackup(s.hostId(), s.vmId());
                if (!s.dropCheckpoint().isEmpty()) {
                    hypervisor.deleteCheckpoint(s.hostId(), s.vmId(), s.dropCheckpoint());
                }
                log.accept("no backup export of VM " + s.vmId() + " on " + s.hostId() + " any more"
                        + (s.dropCheckpoint().isEmpty() ? "" : ", nor checkpoint " + s.dropCheckpoint()));
            }
            case Step.DeleteCheckpoint s -> {
                hypervisor.deleteCheckpoint(s.hostId(), s.vmId(), s.name());
                log.accept("no checkpoint " + s.name() + " of VM " + s.vmId() + " on " + s.hostId() + " any more");
            }
            case Step.ForgetCheckpoints s -> {
                hypervisor.forgetCheckpoints(s.hostId(), s.vmId());
                log.accept("no checkpoint of VM " + s.vmId() + " recorded on " + s.hostId() + " any more");
            }
            case Step.ForgetRestorePoint s -> log.accept(backups.forget(s.repositoryId(), s.pointId())
                    ? "forgot restore point " + s.pointId() + " of repository " + s.repositoryId()
                    : "repository " + s.repositoryId() + " held no restore point " + s.pointId());
            case Step.RestoreVolume s -> restoreVolume(s, log);
            case Step.DefinePool s -> definePool(s, log);
            case Step.UndefinePool s -> {
                hypervisor.undefinePool(s.hostId(), s.name());
                log.accept("storage pool " + s.name() + " not defined on " + s.hostId() + " any more");
            }
            case Step.CreateNfsVolume s -> createNfsVolume(s, log);
            case Step.DeleteNfsVolume s -> deleteNfsVolume(s, log);
            case Step.CloneNfsVolume s -> cloneNfsVolume(s, log);
            case Step.ResizeNfsVolume s -> {
                long before = nfs.image(s.export(), s.name()).virtualBytes();
                if (before >= s.sizeBytes()) {
                    log.accept(s.export().urlOf(s.name()) + " is " + before + " bytes already");
                } else {
                    nfs.resize(s.export(), s.name(), s.format(), s.sizeBytes());
                    log.accept("grew " + s.export().urlOf(s.name()) + " from " + before + " to " + s.sizeBytes()
                            + " bytes");
                }
                recordNfsSizes(s.datastoreId(), s.export(), log);
            }
            case Step.WriteNfsSeed s -> {
                byte[] seed = SeedImage.iso(s.metaData(), s.userData(), s.networkConfig());
                nfs.delete(s.export(), s.name());
                try {
                    nfs.write(s.export(), s.name(), seed.length, new java.io.ByteArrayInputStream(seed));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                log.accept("cloud-init seed " + s.export().urlOf(s.name()) + " (" + seed.length + " bytes)");
            }
            case Step.CreateVolume s -> {
                VolumeFacts volume = hypervisor.createVolume(s.hostId(), s.pool(), s.name(), s.capacityMib(),
                        s.format());
                log.accept("volume " + volume.path() + " of " + volume.capacityBytes() + " bytes on " + s.hostId());
            }
            case Step.CloneVolume s -> {
                VolumeFacts volume = hypervisor.cloneVolume(s.hostId(), s.pool(), s.name(), s.from(), s.linked(),
                        s.capacityBytes(), share -> { });
                log.accept((s.linked() ? "linked clone " : "copy ") + volume.path()
                        + volume.backingStore().map(b -> " over " + b).orElse("") + " on " + s.hostId());
            }
            case Step.WriteSeed s -> {
                byte[] seed = SeedImage.iso(s.metaData(), s.userData(), s.networkConfig());
                hypervisor.deleteVolume(s.hostId(), s.pool(), s.name());
                VolumeFacts volume = hypervisor.uploadVolume(s.hostId(), s.pool(), s.name(), seed.length,
                        new java.io.ByteArrayInputStream(seed));
                log.accept("cloud-init seed " + volume.path() + " (" + seed.length + " bytes) on " + s.hostId());
            }
            case Step.DeleteVolume s -> deleteVolume(s, log);
            case Step.ResizeVolume s -> {
                VolumeFacts volume = hypervisor.resizeVolume(s.hostId(), s.pool(), s.name(), s.capacityBytes());
                log.accept("volume " + volume.path() + " of " + volume.capacityBytes() + " bytes on " + s.hostId());
            }
            case Step.AttachNic s -> {
                hypervisor.attachNic(s.hostId(), s.vmId(), s.nic());
                log.accept("NIC " + s.nic().mac() + " plugged into " + s.vmId() + " on " + s.hostId());
            }
            case Step.DetachNic s -> {
                hypervisor.detachNic(s.hostId(), s.vmId(), s.nic().mac());
                log.accept("NIC " + s.nic().mac() + " unplugged from " + s.vmId() + " on " + s.hostId());
            }
            case Step.AttachDisk s -> {
                hypervisor.attachDisk(s.hostId(), s.vmId(), s.disk());
                log.accept("disk " + s.disk().target() + " plugged into " + s.vmId() + " on " + s.hostId());
            }
            case Step.DetachDisk s -> {
                hypervisor.detachDisk(s.hostId(), s.vmId(), s.disk().target());
                log.accept("disk " + s.disk().target() + " unplugged from " + s.vmId() + " on " + s.hostId());
            }
            case Step.GrowDisk s -> {
                hypervisor.growDisk(s.hostId(), s.vmId(), s.target(), s.capacityBytes());
                log.accept("disk " + s.target() + " of " + s.vmId() + " is " + s.capacityBytes() + " bytes");
            }
            case Step.SetVcpus s -> {
                hypervisor.setVcpus(s.hostId(), s.vmId(), s.vcpus());
                log.accept(s.vmId() + " on " + s.hostId() + " has " + s.vcpus() + " vCPUs");
            }
            case Step.MirrorNic s -> {
                if (!hypervisor.nicMirror(s.hostId(), s.vmId(), s.mac()).equals(s.mirror())) {
                    hypervisor.mirrorNic(s.hostId(), s.vmId(), s.mac(), s.mirror());
                }
                log.accept(s.describe() + ": done");
            }
            case Step.SetMemory s -> {
                hypervisor.setMemory(s.hostId(), s.vmId(), s.memoryMib());
                log.accept(s.vmId() + " on " + s.hostId() + " has " + s.memoryMib() + " MiB of memory");
            }
            case Step.Parallel s -> parallel(s, log);
        }
    }

    /** A file of that name on the export already is the step done: the server never writes over an image. */
    private void createNfsVolume(Step.CreateNfsVolume s, Consumer<String> log) {
        if (nfs.file(s.export(), s.name()).isPresent()) {
            log.accept(s.export().urlOf(s.name()) + " exists already");
        } else {
            nfs.create(s.export(), s.name(), s.format(), s.sizeBytes());
            log.accept("created " + s.format() + " image " + s.export().urlOf(s.name()) + " of " + s.sizeBytes()
                    + " bytes");
        }
        recordNfsSizes(s.datastoreId(), s.export(), log);
    }

    /**
     * A file of that name on the export already is the step done: a layer is made at once, and a copy takes its name
     * only once whole. A copy reports its part done while it runs, and each quarter in the log.
     */
    private void cloneNfsVolume(Step.CloneNfsVolume s, Consumer<String> log) {
        String url = s.export().urlOf(s.name());
        if (nfs.file(s.export(), s.name()).isPresent()) {
            log.accept(url + " exists already");
        } else if (s.linked()) {
            nfs.layer(s.export(), s.name(), s.from(), s.fromFormat(), s.sizeBytes());
            log.accept("linked clone " + url + " over " + s.from());
        } else {
            String key = copyKey(s);
            int[] quarters = {0};
            copying.put(key, 0.0);
            try {
                nfs.copy(s.export(), s.name(), s.from(), s.fromFormat(), s.sizeBytes(), part -> {
                    copying.put(key, part);
                    int quarter = (int) (part * 4);
                    if (quarter > quarters[0] && quarter < 4) {
                        quarters[0] = quarter;
                        log.accept("copied " + quarter * 25 + "% of " + s.from());
                    }
                });
            } finally {
                copying.remove(key);
            }
            log.accept("copy " + url + " of " + s.from());
        }
        recordNfsSizes(s.datastoreId(), s.export(), log);
    }

    private static String copyKey(Step.CloneNfsVolume s) {
        return s.export().urlOf(s.name());
    }

    private void deleteNfsVolume(Step.DeleteNfsVolume s, Consumer<String> log) {
        log.accept(nfs.delete(s.export(), s.name()) ? "removed " + s.export().urlOf(s.name())
                : s.export().urlOf(s.name()) + " was not there");
        recordNfsSizes(s.datastoreId(), s.export(), log);
    }

    /** The datastore's sizes as the NFS server reports them after the step, so the next placement sees them. */
    private void recordNfsSizes(String datastoreId, NfsExport export, Consumer<String> log) {
        Optional<Datastore> datastore = store.datastore(datastoreId);
        if (datastore.isEmpty()) {
            return;
        }
        NfsExports.Usage usage = nfs.usage(export);
        store.updateObserved(datastore.get().withSizes(usage.capacityBytes(), usage.freeBytes()));
        log.accept(export.key() + ": " + usage.freeBytes() + " of " + usage.capacityBytes() + " bytes free");
    }

    /**
     * Deletes the volume, unless its pool is an iSCSI target's (a LUN is the target's to make and remove, libvirt
     * deletes none, so it is kept and the log says so), or a domain the host still runs has it as a disk: a
     * migration's source volume goes only once its VM runs elsewhere, whatever the order the plan was given.
     */
    private void deleteVolume(Step.DeleteVolume s, Consumer<String> log) {
        Optional<PoolType> type = hypervisor.pools(s.hostId()).stream().filter(pool -> pool.name().equals(s.pool()))
                .map(PoolFacts::type).findFirst();
        if (type.filter(t -> t == PoolType.ISCSI || t == PoolType.ISCSI_DIRECT).isPresent()) {
            log.accept("kept volume " + s.name() + ": it is a LUN of iSCSI pool " + s.pool() + " on " + s.hostId()
                    + ", and a LUN cannot be deleted");
            return;
        }
        if (!hasVolume(s.hostId(), s.pool(), s.name())) {
            log.accept("volume " + s.name() + " was not in pool " + s.pool() + " on " + s.hostId());
            return;
        }
        for (DomainInfo domain : hypervisor.domains(s.hostId())) {
            boolean uses = domain.state() != VmState.STOPPED && hypervisor.definition(s.hostId(), domain.uuid())
                    .map(spec -> spec.disks().stream().anyMatch(disk -> disk.pool().filter(s.pool()::equals)
                            .isPresent() && disk.path().equals(s.name()))).orElse(false);
            if (uses) {
                throw new IllegalStateException("volume " + s.name() + " of pool " + s.pool() + " is a disk of domain "
                        + domain.uuid() + ", which runs on " + s.hostId() + ": not deleted");
            }
        }
        hypervisor.deleteVolume(s.hostId(), s.pool(), s.name());
        log.accept("volume " + s.name() + " gone from pool " + s.pool() + " on " + s.hostId());
    }

    /** The port's define is idempotent; the log says whether the host had it already. */
    private void defineNetwork(Step.DefineNetwork s, Consumer<String> log) {
        boolean held = hasNetwork(s.hostId(), s.spec().name());
        HostNetwork network = hypervisor.defineNetwork(s.hostId(), s.spec());
        log.accept((held ? "network " + network.name() + " already on " : "defined network " + network.name() + " on ")
                + s.hostId() + ", bridge " + network.bridge());
    }

    private boolean hasNetwork(String hostId, String name) {
        return hypervisor.networks(hostId).stream().anyMatch(network -> network.name().equals(name));
    }

    /** The port's definePool keeps a pool that is there already: running it again changes nothing. */
    private void definePool(Step.DefinePool s, Consumer<String> log) {
        PoolFacts pool = hypervisor.definePool(s.hostId(), s.spec());
        log.accept("storage pool " + pool.name() + " started on " + s.hostId() + ": " + pool.availableBytes()
                + " of " + pool.capacityBytes() + " bytes available");
    }

    /** True when the domain's definition has a NIC of that MAC. */
    private boolean hasNic(String hostId, String vmId, String mac) {
        return hypervisor.definition(hostId, vmId).filter(spec -> spec.nics().stream()
                .anyMatch(nic -> nic.mac().equalsIgnoreCase(mac))).isPresent();
    }

    /** True when the domain's definition has a disk on that target. */
    private boolean hasDisk(String hostId, String vmId, String target) {
        return hypervisor.definition(hostId, vmId).filter(spec -> spec.disks().stream()
                .anyMatch(disk -> disk.target().equals(target))).isPresent();
    }

    private boolean hasVolume(String hostId, String pool, String name) {
        return hypervisor.volumes(hostId, pool).stream().anyMatch(volume -> volume.name().equals(name));
    }

    /** True when the host has a pool of the spec's name, or one over the same storage. */
    private boolean hasPool(String hostId, PoolSpec spec) {
        String key = spec.source().storageKey(spec.type(), spec.targetPath());
        return hypervisor.pools(hostId).stream().anyMatch(pool -> pool.name().equals(spec.name())
                || (pool.type() == spec.type() && pool.source().storageKey(pool.type(), pool.targetPath()).equals(key)));
    }

    /**
     * Runs the steps on threads of their own and waits for all of them, even when one fails: the step ends only
     * once nothing it began still acts. A failed step has no effect in the journal's eyes (the rollback undoes done
     * steps only), so when a part fails the parts that succeeded are undone here, each by the undo read from the
     * real state before it acted.
     */
    private void parallel(Step.Parallel parallel, Consumer<String> log) {
        List<Step> parts = parallel.steps();
        List<Optional<Step>> undos = parts.stream().map(this::undoOf).toList();
        List<Future<List<String>>> runs = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(parallel.width(),
                Thread.ofPlatform().name("parallel-step-", 1).factory())) {
            for (Step part : parts) {
                runs.add(threads.submit(() -> {
                    List<String> lines = new ArrayList<>();
                    execute(part, lines::add);
                    return lines;
                }));
            }
        }
        List<String> failures = new ArrayList<>();
        List<Integer> succeeded = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            try {
                runs.get(i).get().forEach(log);
                succeeded.add(i);
            } catch (ExecutionException e) {
                failures.add(parts.get(i).describe() + ": " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Interrupted("stopped waiting for parallel steps");
            }
        }
        if (failures.isEmpty()) {
            return;
        }
        for (int i : succeeded) {
            undos.get(i).ifPresent(undo -> {
                execute(undo, log);
                log.accept("undone as a part failed: " + undo.describe());
            });
        }
        throw new IllegalStateException(String.join("; ", failures));
    }

    /**
     * The step that would undo {@code step} if it acted now, read from the real state: a VM record that
     * existed is put back rather than forgotten; a domain that was defined or running already, or a VM
     * already on the migration's destination, is left alone. Called before the step acts.
     */
    public Optional<Step> undoOf(Step step) {
        return switch (step) {
            case Step.RecordVm s -> Optional.of(store.vm(s.vm().id())
                    .<Step>map(Step.RecordVm::new)
                    .orElseGet(() -> new Step.ForgetVm(s.vm().id())));
            case Step.DefineVm s -> hypervisor.domain(s.hostId(), s.spec().uuid()).isPresent()
                    ? redefinition(s)
                    : Compensation.of(s);
            case Step.StartVm s -> isActive(s.hostId(), s.vmId()) ? Optional.empty() : Compensation.of(s);
            case Step.MigrateVm s -> isActive(s.toHostId(), s.vmId()) ? Optional.empty() : Compensation.of(s);
            case Step.ShutdownVm s -> Compensation.of(s);
            case Step.DestroyVm s -> Compensation.of(s);
            case Step.UndefineVm s -> Compensation.of(s);
            case Step.ForgetVm s -> Compensation.of(s);
            case Step.QuarantineVm s -> Compensation.of(s);
            case Step.FenceHost s -> Compensation.of(s);
            case Step.PowerOffHost s -> Compensation.of(s);
            case Step.PowerOnHost s -> Compensation.of(s);
            case Step.DefineNetwork s -> hasNetwork(s.hostId(), s.spec().name()) ? Optional.empty()
                    : Compensation.of(s);
            case Step.UndefineNetwork s -> Compensation.of(s);
            case Step.RecordNetwork s -> Optional.of(store.network(s.network().id())
                    .<Step>map(Step.RecordNetwork::new)
                    .orElseGet(() -> new Step.ForgetNetwork(s.network().id())));
            case Step.ForgetNetwork s -> Compensation.of(s);
            case Step.RecordDatastore s -> Optional.of(store.datastore(s.datastore().id())
                    .<Step>map(Step.RecordDatastore::new)
                    .orElseGet(() -> new Step.ForgetDatastore(s.datastore().id())));
            case Step.ForgetDatastore s -> Compensation.of(s);
            case Step.BeginBackup s -> hasCheckpoint(s.hostId(), s.vmId(), s.checkpoint()) ? Optional.empty()
                    : Compensation.of(s);
            case Step.CopyBackup s -> backups.holds(s.repositoryId(), s.pointId()) ? Optional.empty()
                    : Compensation.of(s);
            case Step.EndBackup s -> Compensation.of(s);
            case Step.DeleteCheckpoint s -> Compensation.of(s);
            case Step.ForgetCheckpoints s -> Compensation.of(s);
            case Step.ForgetRestorePoint s -> Compensation.of(s);
            case Step.RestoreVolume s -> hasVolume(s.hostId(), s.pool(), s.name()) ? Optional.empty()
                    : Compensation.of(s);
            case Step.DefinePool s -> hasPool(s.hostId(), s.spec()) ? Optional.empty() : Compensation.of(s);
            case Step.UndefinePool s -> Compensation.of(s);
            case Step.CreateNfsVolume s -> nfs.file(s.export(), s.name()).isPresent() ? Optional.empty()
                    : Compensation.of(s);
            case Step.DeleteNfsVolume s -> Compensation.of(s);
            case Step.CloneNfsVolume s -> nfs.file(s.export(), s.name()).isPresent() ? Optional.empty()
                    : Compensation.of(s);
            case Step.WriteNfsSeed s -> Compensation.of(s);
            case Step.ResizeNfsVolume s -> Compensation.of(s);
            case Step.CreateVolume s -> hasVolume(s.hostId(), s.pool(), s.name()) ? Optional.empty() : Compensation.of(s);
            case Step.CloneVolume s -> hasVolume(s.hostId(), s.pool(), s.name()) ? Optional.empty() : Compensation.of(s);
            case Step.WriteSeed s -> Compensation.of(s);
            case Step.DeleteVolume s -> Compensation.of(s);
            case Step.ResizeVolume s -> Compensation.of(s);
            case Step.AttachNic s -> hasNic(s.hostId(), s.vmId(), s.nic().mac()) ? Optional.empty() : Compensation.of(s);
            case Step.DetachNic s -> hasNic(s.hostId(), s.vmId(), s.nic().mac()) ? Compensation.of(s) : Optional.empty();
            case Step.AttachDisk s -> hasDisk(s.hostId(), s.vmId(), s.disk().target()) ? Optional.empty()
                    : Compensation.of(s);
            case Step.DetachDisk s -> hasDisk(s.hostId(), s.vmId(), s.disk().target()) ? Compensation.of(s)
                    : Optional.empty();
            case Step.GrowDisk s -> Compensation.of(s);
            // Set back to what the domain has before the step, when the step changes it.
            case Step.SetVcpus s -> hypervisor.domain(s.hostId(), s.vmId()).filter(held -> held.vcpus() != s.vcpus())
                    .map(held -> new Step.SetVcpus(s.hostId(), s.vmId(), held.vcpus(), s.vcpus()));
            // put back what the port had, when the step changed it
            case Step.MirrorNic s -> hypervisor.nicMirror(s.hostId(), s.vmId(), s.mac()).equals(s.previous())
                    ? Optional.empty() : Compensation.of(s);
            case Step.SetMemory s -> hypervisor.domain(s.hostId(), s.vmId())
                    .filter(held -> held.memoryMib() != s.memoryMib())
                    .map(held -> new Step.SetMemory(s.hostId(), s.vmId(), held.memoryMib(), s.memoryMib()));
            case Step.Parallel s -> {
                List<Step> undos = s.steps().stream().flatMap(part -> undoOf(part).stream()).toList();
                yield undos.isEmpty() ? Optional.empty() : Optional.of(new Step.Parallel(undos, s.atMost()));
            }
        };
    }

    /**
     * The undo of a define that replaces a definition the host holds (a reconfigured VM): the held definition defined
     * again. A definition the host holds already as wanted needs no undo.
     */
    private Optional<Step> redefinition(Step.DefineVm s) {
        return hypervisor.definition(s.hostId(), s.spec().uuid())
                .filter(held -> !s.spec().isHeldBy(held))
                .map(held -> new Step.DefineVm(s.hostId(), held));
    }

    private void define(Step.DefineVm s, Consumer<String> log) {
        DomainSpec spec = s.spec();
        if (sameDefinition(s.hostId(), spec)) {
            log.accept("domain " + spec.uuid() + " already defined on " + s.hostId());
            return;
        }
        hypervisor.define(s.hostId(), spec);
        log.accept("defined domain " + spec.uuid() + " on " + s.hostId());
    }

    /**
     * True when the host holds a persistent domain whose definition gives all {@code spec} asks (see
     * {@link DomainSpec#isHeldBy}): a domain that differs in any device, a watchdog included, is defined again.
     */
    private boolean sameDefinition(String hostId, DomainSpec spec) {
        return hypervisor.domain(hostId, spec.uuid()).filter(DomainInfo::persistent).isPresent()
                && hypervisor.definition(hostId, spec.uuid()).filter(spec::isHeldBy).isPresent();
    }

    /** The hypervisor's quarantine is idempotent: a second run pauses nothing and finds the links already down. */
    private void quarantine(Step.QuarantineVm s, Consumer<String> log) {
        hypervisor.quarantine(s.hostId(), s.vmId());
        log.accept("paused domain " + s.vmId() + " on " + s.hostId() + " and took its NIC links down");
    }

    private void start(Step.StartVm s, Consumer<String> log) {
        if (stateOf(s.hostId(), s.vmId()).filter(state -> state == VmState.RUNNING).isPresent()) {
            log.accept("domain " + s.vmId() + " already running on " + s.hostId());
            recordRunning(s.hostId(), s.vmId());
            return;
        }
        hypervisor.start(s.hostId(), s.vmId());
        log.accept("started domain " + s.vmId() + " on " + s.hostId());
        recordRunning(s.hostId(), s.vmId());
    }

    /**
     * The inventory shows the VM running where it was started before the step is done, as a migration moves it:
     * the placement ledger drops the operation's claim when it ends, and the room must hold the VM by then.
     */
    private void recordRunning(String hostId, String vmId) {
        store.vm(vmId).ifPresent(vm -> store.updateObserved(List.of(vm.withHost(hostId).withState(VmState.RUNNING))));
    }

    private void shutdown(Step.ShutdownVm s, Consumer<String> log) {
        if (!isActive(s.hostId(), s.vmId())) {
            log.accept("domain " + s.vmId() + " not running on " + s.hostId());
            return;
        }
        hypervisor.shutdown(s.hostId(), s.vmId());
        long deadline = System.nanoTime() + Duration.ofSeconds(s.timeoutSeconds()).toNanos();
        while (isActive(s.hostId(), s.vmId()) && System.nanoTime() < deadline) {
            if (closing.getAsBoolean()) {
                throw new Interrupted("stopped waiting for guest " + s.vmId() + " to shut down");
            }
            pause(SHUTDOWN_POLL);
        }
        if (isActive(s.hostId(), s.vmId())) {
            log.accept("guest did not shut down within " + s.timeoutSeconds() + " s; powering off");
            destroy(s.hostId(), s.vmId(), log);
        } else {
            log.accept("guest " + s.vmId() + " shut down");
            recordStopped(s.hostId(), s.vmId());
        }
    }

    private void destroy(String hostId, String vmId, Consumer<String> log) {
        if (!isActive(hostId, vmId)) {
            log.accept("domain " + vmId + " not running on " + hostId);
            return;
        }
        hypervisor.destroy(hostId, vmId);
        log.accept("powered off domain " + vmId + " on " + hostId);
        recordStopped(hostId, vmId);
    }

    /**
     * The inventory shows the VM stopped before the step is done, as a start shows it running: what a caller asks
     * of the VM once the operation is done (its console, its state) is answered as stopped. A VM the inventory
     * places on another host (a duplicate powered off after a restart elsewhere) keeps its state.
     */
    private void recordStopped(String hostId, String vmId) {
        store.vm(vmId).filter(vm -> vm.hostId().filter(hostId::equals).isPresent())
                .ifPresent(vm -> store.updateObserved(List.of(vm.withState(VmState.STOPPED))));
    }

    private void undefine(Step.UndefineVm s, Consumer<String> log) {
        if (hypervisor.domain(s.hostId(), s.vmId()).isEmpty()) {
            log.accept("domain " + s.vmId() + " not defined on " + s.hostId());
            return;
        }
        hypervisor.undefine(s.hostId(), s.vmId());
        log.accept("undefined domain " + s.vmId() + " on " + s.hostId());
    }

    /** The part done of the step while it runs (a migration's), empty when it reports none. */
    public Optional<Double> partDone(Step step) {
        return switch (step) {
            case Step.MigrateVm s -> Optional.ofNullable(migrating.get(s.vmId()));
            case Step.CloneNfsVolume s -> Optional.ofNullable(copying.get(copyKey(s)));
            case Step.CopyBackup s -> Optional.ofNullable(backingUp.get(s.pointId()));
            case Step.Parallel s -> {
                double done = s.steps().stream().mapToDouble(part -> partDone(part).orElse(0.0)).sum();
                yield done == 0 ? Optional.empty() : Optional.of(done / s.steps().size());
            }
            default -> Optional.empty();
        };
    }

    private void beginBackup(Step.BeginBackup s, Consumer<String> log) {
        if (hasCheckpoint(s.hostId(), s.vmId(), s.checkpoint())) {
            log.accept("VM " + s.vmId() + " on " + s.hostId() + " has checkpoint " + s.checkpoint() + " already: its"
                    + " backup began");
            return;
        }
        var export = hypervisor.beginBackup(s.hostId(), s.vmId(), new dev.paddock.hypervisor.BackupRequest(
                s.checkpoint(), s.since().isEmpty() ? Optional.empty() : Optional.of(s.since()), s.disks(),
                s.address(), s.port()));
        log.accept("began " + (s.since().isEmpty() ? "a full" : "an incremental") + " backup of VM " + s.vmId()
                + " on " + s.hostId() + ": NBD at " + export.address() + ":" + export.port() + " exporting "
                + export.disks().stream().map(d -> d.exportName()).toList());
    }

    private void copyBackup(Step.CopyBackup s, Consumer<String> log) {
        if (backups.holds(s.repositoryId(), s.pointId())) {
            log.accept("repository " + s.repositoryId() + " holds restore point " + s.pointId() + " already");
            return;
        }
        backingUp.put(s.pointId(), 0.0);
        try {
            log.accept(backups.copy(s, part -> backingUp.put(s.pointId(), part)));
        } finally {
            backingUp.remove(s.pointId());
        }
    }

    private void restoreVolume(Step.RestoreVolume s, Consumer<String> log) {
        if (hasVolume(s.hostId(), s.pool(), s.name())) {
            log.accept("volume " + s.name() + " of " + s.pool() + " on " + s.hostId() + " is there already");
            return;
        }
        BackupCopies.Image image = backups.image(s.repositoryId(), s.pointId(), s.disk());
        try (var data = image.data()) {
            VolumeFacts made = hypervisor.uploadVolume(s.hostId(), s.pool(), s.name(), image.length(), data);
            log.accept("restored disk " + s.disk() + " of restore point " + s.pointId() + " into " + made.name()
                    + " (" + image.length() + " bytes uploaded, format " + made.format() + ")");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private boolean hasCheckpoint(String hostId, String vmId, String name) {
        return hypervisor.domain(hostId, vmId).isPresent()
                && hypervisor.checkpoints(hostId, vmId).stream().anyMatch(c -> c.name().equals(name));
    }

    /** Asks the hypervisor to stop the step's running migrations, if it has any; the VMs stay where they run. */
    public void abort(Step step) {
        switch (step) {
            case Step.MigrateVm s -> {
                Object call = migrateCalls.get(s.vmId());
                if (call != null) {
                    // the host's job may not have begun yet (the call looks things up first): keep asking until the
                    // call returns, aborted or done, so that a cancel in that moment is not lost
                    Thread.ofVirtual().name("abort-migration-" + s.vmId()).start(() -> abortUntilEnded(s, call));
                }
            }
            case Step.Parallel s -> s.steps().forEach(this::abort);
            default -> {}
        }
    }

    private void abortUntilEnded(Step.MigrateVm s, Object call) {
        long deadline = System.nanoTime() + ABORT_PATIENCE.toNanos();
        while (migrateCalls.get(s.vmId()) == call && System.nanoTime() < deadline) {
            try {
                hypervisor.abortMigration(s.fromHostId(), s.vmId());
            } catch (RuntimeException e) {
                // a host out of reach fails the migrate call by itself
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void migrate(Step.MigrateVm s, Consumer<String> log) {
        if (isActive(s.toHostId(), s.vmId())) {
            log.accept("domain " + s.vmId() + " already running on " + s.toHostId());
        } else {
            MigrationOptions options = new MigrationOptions(Optional.ofNullable(s.bandwidthMibps()), Optional.empty(),
                    Optional.empty(), storageCopy(s));
            migrating.put(s.vmId(), 0.0);
            Object call = new Object();
            migrateCalls.put(s.vmId(), call);
            MigrationResult result;
            try {
                result = hypervisor.migrate(s.vmId(), s.fromHostId(), s.toHostId(), options,
                        progress -> migrating.put(s.vmId(), progress));
            } finally {
                migrateCalls.remove(s.vmId(), call);
                migrating.remove(s.vmId());
            }
            log.accept("migrated " + s.vmId() + " to " + s.toHostId() + " in " + result.elapsed().toMillis()
                    + " ms, downtime " + result.downtime().toMillis() + " ms");
        }
        store.vm(s.vmId()).ifPresent(vm -> store.put(LocalDiskMoves.moved(vm, s.disks()).withHost(s.toHostId())));
    }

    /** Disks over an image the destination holds are copied layer only; other moved disks whole. */
    private static MigrationOptions.StorageCopy storageCopy(Step.MigrateVm s) {
        if (!s.copiesStorage()) {
            return MigrationOptions.StorageCopy.NONE;
        }
        return s.disks().stream().anyMatch(Step.DiskMove::overImage) ? MigrationOptions.StorageCopy.TOP_LAYER
                : MigrationOptions.StorageCopy.FULL;
    }

    /** Running or paused: a domain that holds memory on its host and must be powered off to stop. */
    private boolean isActive(String hostId, String vmId) {
        return stateOf(hostId, vmId).filter(state -> state == VmState.RUNNING || state == VmState.PAUSED).isPresent();
    }

    private Optional<VmState> stateOf(String hostId, String vmId) {
        return hypervisor.domain(hostId, vmId).map(DomainInfo::state);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a guest to shut down", e);
        }
    }
}
