package dev.paddock.backup;

import dev.paddock.api.PaddockException;
import dev.paddock.backup.nbd.ExportBackup;
import dev.paddock.backup.nbd.NbdClient;
import dev.paddock.hypervisor.BackupRequest;
import dev.paddock.hypervisor.Checkpoint;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.json.Json;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.BackupCopies;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.InventoryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's backups: the repositories it knows, the plans that back a VM up into one (libvirt pull mode: the host
 * exports the disks over NBD at a checkpoint; incremental from the checkpoint of the VM's latest restore point when
 * the host still has it, else the whole disk is read again and only chunks the repository lacks are stored), and the
 * {@link BackupCopies} the operation runner's steps read and write through.
 *
 * <p>Checkpoints are named after the restore point they anchor ({@code paddock-POINT}). One is kept per VM: once a
 * point is whole, older ones are deleted. A checkpoint travels with a live migration (redefined on the target); a VM
 * restarted elsewhere after its host failed has none there, so its next backup reads every disk: a bitmap whose host
 * crashed is never trusted.
 */
public final class Backups implements BackupCopies {

    /** The operation kind of a backup. */
    public static final String BACKUP = "vm.backup";
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    /** The first TCP port a host's NBD export of a backup may take. */
    public static final int FIRST_PORT = 10809;
    private static final int PORTS = 1000;
    private static final String CHECKPOINT_PREFIX = "paddock-";
    private static final DateTimeFormatter POINT_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final RepositoryRecords records;
    private final InventoryStore store;
    private final Hypervisor hypervisor;
    private final Clock clock;
    private final List<Path> roots;
    private final Map<String, BackupRepository> open = new ConcurrentHashMap<>();
    private final Map<String, PointReceiver> receivers = new ConcurrentHashMap<>();
    /** How long a point being received keeps its writer record without a call (see {@link PointReceiver}). */
    private static final java.time.Duration RECEIVING_IDLE = java.time.Duration.ofHours(1);

    /**
     * @param roots the directories repositories may be in (at any depth): a caller of the API never makes or opens
     *     a directory elsewhere on the server
     */
    public Backups(RepositoryRecords records, InventoryStore store, Hypervisor hypervisor, Clock clock,
            List<Path> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("backups need at least one directory for repositories");
        }
        this.roots = roots.stream().map(root -> root.toAbsolutePath().normalize()).toList();
        this.records = records;
        this.store = store;
        this.hypervisor = hypervisor;
        this.clock = clock;
    }

    // ---- repositories ------------------------------------------------------------------------------------------

    /**
     * Records a repository at {@code path}: the one there (opened with {@code key}, which must be its key), or a new
     * one made in an empty or absent directory, encrypted with {@code key} when one is given.
     *
     * @return the record, and whether a new repository was made
     */
    public Registered register(String name, Path path, Optional<RepositoryKey> key) {
        if (!path.isAbsolute()) {
            throw new PaddockException.InvalidValue("a repository path is absolute, not '" + path + "'");
        }
        Path normal = path.normalize();
        if (roots.stream().noneMatch(root -> normal.startsWith(root) && !normal.equals(root))
                || !insideRoots(normal)) {
            throw new PaddockException.InvalidValue("a repository lives in a directory under " + roots.stream()
                    .map(Path::toString).toList() + " (the server's backup roots), not at " + normal);
        }
        if (records.byName(name).isPresent()) {
            throw new PaddockException.Conflict("a backup repository named '" + name + "' exists");
        }
        if (records.list().stream().anyMatch(r -> r.path().equals(normal.toString()))) {
            throw new PaddockException.Conflict("backup repository " + normal + " is known already");
        }
        boolean existing = Files.exists(normal.resolve("repository.json"));
        BackupRepository repository;
        try {
            repository = existing ? BackupRepository.open(normal, key)
                    : BackupRepository.create(normal, BackupRepository.DEFAULT_CHUNK_SIZE, key);
        } catch (RepositoryException e) {
            throw new PaddockException.InvalidValue(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue(e.getMessage());
        } catch (UncheckedIOException e) {
            throw new PaddockException.InvalidValue(e.getMessage() + (e.getCause() == null ? ""
                    : ": " + e.getCause().getMessage()));
        }
        RepositoryRecord record = new RepositoryRecord(UUID.randomUUID().toString(), name, normal.toString(),
                repository.encrypted(), clock.instant());
        records.put(record, key);
        open.put(record.id(), repository);
        return new Registered(record, !existing);
    }

    /**
     * True when {@code path}, its symbolic links followed as far as it exists, lies inside a root (followed the same
     * way): a link under a root that leads elsewhere does not make elsewhere a root.
     */
    private boolean insideRoots(Path path) {
        try {
            Path real = followed(path);
            for (Path root : roots) {
                Path realRoot = followed(root);
                if (real.startsWith(realRoot) && !real.equals(realRoot)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The real path of the nearest existing ancestor, with the rest of {@code path} after it. */
    private static Path followed(Path path) throws IOException {
        Path existing = path;
        java.util.Deque<Path> rest = new java.util.ArrayDeque<>();
        while (existing != null && !Files.exists(existing)) {
            rest.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IOException("nothing of " + path + " exists");
        }
        Path real = existing.toRealPath();
        while (!rest.isEmpty()) {
            real = real.resolve(rest.pop());
        }
        return real;
    }

    /** The directories repositories may be in. */
    public List<Path> roots() {
        return roots;
    }

    /** A repository recorded, and whether it was made new. */
    public record Registered(RepositoryRecord record, boolean created) {}

    public List<RepositoryRecord> repositories() {
        return records.list();
    }

    /** The repository of that id or name. */
    public RepositoryRecord record(String idOrName) {
        return records.get(idOrName).or(() -> records.byName(idOrName)).orElseThrow(
                () -> new PaddockException.NotFound("no backup repository " + idOrName));
    }

    /** Forgets a repository; its directory and restore points stay where they are. */
    public void forgetRepository(String idOrName) {
        RepositoryRecord record = record(idOrName);
        records.delete(record.id());
        open.remove(record.id());
        PointReceiver receiver = receivers.remove(record.id());
        if (receiver != null) {
            receiver.close();
        }
    }

    /** What receives points replicated into the repository of that id or name from another site. */
    public PointReceiver receiver(String idOrName) {
        RepositoryRecord record = record(idOrName);
        BackupRepository repository = repository(record.id());
        return receivers.computeIfAbsent(record.id(), id -> new PointReceiver(repository, RECEIVING_IDLE));
    }

    /** The repository itself, opened once with its key. */
    public BackupRepository repository(String idOrName) {
        RepositoryRecord record = record(idOrName);
        return open.computeIfAbsent(record.id(), id -> {
            try {
                return BackupRepository.open(Path.of(record.path()), records.key(id));
            } catch (RepositoryException e) {
                throw new PaddockException.Conflict("backup repository " + record.name() + " does not open: "
                        + e.getMessage());
            }
        });
    }

    /** The repository's restore points, oldest first; those of one VM when {@code vm} is given. */
    public List<RestorePoint> points(String repository, Optional<String> vm) {
        return repository(repository).points().stream().filter(p -> vm.isEmpty() || p.vm().equals(vm.get()))
                .toList();
    }

    public RestorePoint point(String repository, String point) {
        try {
            return repository(repository).point(point);
        } catch (RepositoryException.NoSuchPoint e) {
            throw new PaddockException.NotFound("backup repository " + record(repository).name()
                    + " has no restore point " + point);
        }
    }

    // ---- planning ----------------------------------------------------------------------------------------------

    /**
     * The operation that backs a running VM up into a repository: begin the export (incremental when the VM's host
     * holds the checkpoint of its latest point there), copy, end, and drop older checkpoints.
     */
    public OperationPlan backupPlan(String vmId, String repositoryName, String owner) {
        Vm vm = store.vm(vmId).orElseThrow(() -> new PaddockException.NotFound("no VM " + vmId));
        RepositoryRecord record = record(repositoryName);
        if (vm.hostId().isEmpty()) {
            throw new PaddockException.Conflict("VM " + vm.name() + " is on no host; a backup reads the disks of a"
                    + " running VM (start it first)");
        }
        String hostId = vm.hostId().get();
        // The host's word, not the inventory's, which may be an event behind (a migration's last resume).
        VmState state = liveState(vm, hostId);
        if (state != VmState.RUNNING) {
            throw new PaddockException.Conflict("VM " + vm.name() + " is " + state.name().toLowerCase()
                    + "; a backup reads the disks of a running VM (start it first)");
        }
        Host host = store.host(hostId).orElseThrow(() -> new PaddockException.Conflict("VM " + vm.name()
                + " runs on host " + hostId + ", which is not in the inventory"));
        String address = address(host);
        List<String> disks = backedUpDisks(vm);
        if (disks.isEmpty()) {
            throw new PaddockException.Conflict("VM " + vm.name() + " has no qcow2 disk to back up (raw disks and"
                    + " read-only seeds carry no checkpoint)");
        }
        Instant taken = clock.instant();
        String pointId = POINT_TIME.format(taken) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
                .nextInt());
        String checkpoint = CHECKPOINT_PREFIX + pointId;
        List<Checkpoint> held = checkpoints(hostId, vmId);
        Optional<RestorePoint> latest = repository(record.id()).points().stream().filter(p -> p.vm().equals(vmId))
                .max(Comparator.comparing(RestorePoint::taken));
        Optional<String> since = latest.map(p -> CHECKPOINT_PREFIX + p.id())
                .filter(name -> held.stream().anyMatch(c -> c.name().equals(name) && c.disks().containsAll(disks)))
                .filter(name -> latest.get().disks().stream().map(DiskMap::name).toList().containsAll(disks));
        int port = FIRST_PORT + Math.floorMod(vmId.hashCode(), PORTS);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.BeginBackup(hostId, vmId, checkpoint, since.orElse(""), disks, address, port));
        steps.add(new Step.CopyBackup(record.id(), vmId, pointId, since.isPresent() ? latest.get().id() : "",
                address, port, disks, taken.toEpochMilli()));
        steps.add(new Step.EndBackup(hostId, vmId, ""));
        for (Checkpoint old : held) {
            if (old.name().startsWith(CHECKPOINT_PREFIX)) {
                steps.add(new Step.DeleteCheckpoint(hostId, vmId, old.name()));
            }
        }
        return new OperationPlan(BACKUP, vmId, owner, steps);
    }

    /**
     * The checkpoints the VM's host holds for it; none when the host cannot say (unreachable, or it keeps no disk
     * data): a checkpoint that cannot be confirmed is never trusted, so the backup reads every disk, and its first
     * step meets the host's refusal, if any, in the operation's journal.
     */
    private List<Checkpoint> checkpoints(String hostId, String vmId) {
        try {
            return hypervisor.checkpoints(hostId, vmId);
        } catch (HypervisorException e) {
            LOG.info("checkpoints of vm {} on host {} unknown ({}): the backup reads every disk", vmId, hostId,
                    e.getMessage());
            return List.of();
        }
    }

    /** The VM's state as its host tells it now; the inventory's when the host is out of reach. */
    private VmState liveState(Vm vm, String hostId) {
        try {
            return hypervisor.domain(hostId, vm.id()).map(DomainInfo::state).orElse(vm.state());
        } catch (HypervisorException e) {
            return vm.state();
        }
    }

    /** The targets (vda, vdb...) of a VM's disks that a backup reads: its qcow2 disks that the guest writes. */
    static List<String> backedUpDisks(Vm vm) {
        List<String> targets = new ArrayList<>();
        for (int index = 0; index < vm.disks().size(); index++) {
            Disk disk = vm.disks().get(index);
            if (!disk.readOnly() && disk.format().equals("qcow2")) {
                targets.add(DomainBuilder.device(index));
            }
        }
        return targets;
    }

    /** The host's network address, from its URI: where its NBD export listens. */
    static String address(Host host) {
        try {
            String address = new URI(host.uri()).getHost();
            if (address == null || address.isBlank()) {
                throw new PaddockException.Conflict("host " + host.name() + " is reached at " + host.uri()
                        + ", which names no network address; a backup's NBD export needs one");
            }
            return address;
        } catch (URISyntaxException e) {
            throw new PaddockException.Conflict("host " + host.name() + " has URI " + host.uri()
                    + ", which does not parse: " + e.getMessage());
        }
    }

    // ---- what the steps do -------------------------------------------------------------------------------------

    @Override
    public boolean holds(String repositoryId, String pointId) {
        try {
            repository(repositoryId).point(pointId);
            return true;
        } catch (RepositoryException.NoSuchPoint e) {
            return false;
        }
    }

    @Override
    public String copy(Step.CopyBackup step, Consumer<Double> progress) {
        BackupRepository repository = repository(step.repositoryId());
        String configuration = store.vm(step.vmId()).map(vm -> {
            try {
                return Json.mapper().writeValueAsString(vm);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).orElse("{}");
        Optional<String> parent = step.parentPointId().isEmpty() ? Optional.empty()
                : Optional.of(step.parentPointId());
        long read = 0;
        long stored = 0;
        try (PointWriter writer = repository.begin(step.pointId(), step.vmId(), configuration,
                Instant.ofEpochMilli(step.takenMillis()), parent)) {
            int done = 0;
            for (String disk : step.disks()) {
                String bitmap = BackupRequest.exportBitmap(disk);
                List<String> contexts = parent.isPresent() ? List.of(NbdClient.BASE_ALLOCATION,
                        "qemu:dirty-bitmap:" + bitmap) : List.of(NbdClient.BASE_ALLOCATION);
                try (NbdClient client = NbdClient.connect(new InetSocketAddress(step.address(), step.port()), disk,
                        contexts)) {
                    ExportBackup export = ExportBackup.of(client);
                    DiskWrite wrote = parent.isPresent() ? export.changes(writer, disk, bitmap)
                            : export.full(writer, disk);
                    read += wrote.bytesRead();
                    stored += wrote.bytesStored();
                    progress.accept((double) ++done / step.disks().size());
                } catch (IOException e) {
                    throw new UncheckedIOException("reading disk " + disk + " of VM " + step.vmId() + " from "
                            + step.address() + ":" + step.port() + " failed: " + e.getMessage(), e);
                }
            }
            writer.commit();
        }
        return "restore point " + step.pointId() + " of VM " + step.vmId() + " is whole: " + read
                + " bytes read from the host, " + stored + " bytes of new chunks stored";
    }

    @Override
    public boolean forget(String repositoryId, String pointId) {
        if (!holds(repositoryId, pointId)) {
            return false;
        }
        repository(repositoryId).forget(pointId);
        return true;
    }

    @Override
    public Image image(String repositoryId, String pointId, String disk) {
        Qcow2Image image = repository(repositoryId).openQcow2(pointId, disk);
        return new Image(image.length(), image.open());
    }
}
