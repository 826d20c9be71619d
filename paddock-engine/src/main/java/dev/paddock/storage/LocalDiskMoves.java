package dev.paddock.storage;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which disks of a VM a live migration must copy, and where to. Pure.
 *
 * <p>A disk on a datastore the destination reaches stays where it is. A disk that is a volume of a local directory
 * pool (a datastore that is not shared) moves to the destination's own local datastore of the same pool name: every
 * host has its local {@code dir} pool made under one name, and discovery keeps one datastore per host for each
 * (named "local", "local-2", ...), so the pool's name, not the datastore's, is what the two have in common. A
 * read-only disk is never copied by the hypervisor's live copy, so such a disk stays a reason to refuse.
 */
public final class LocalDiskMoves {

    private LocalDiskMoves() {}

    /** The datastores a local pool is made of: a directory pool that only its host sees. */
    public static boolean isLocalDirectory(Datastore datastore) {
        return datastore.backedByPools() && !datastore.shared() && datastore.type().equals("dir");
    }

    /**
     * The destination's local datastore that takes a disk of {@code source} (a local directory of
     * {@code fromHostId}) when its VM moves to {@code toHostId}: not shared, a directory, started on the destination
     * under the pool name the source has on its host. The first by id when several qualify.
     */
    public static Optional<Datastore> counterpart(Room room, Datastore source, String fromHostId, String toHostId) {
        String pool = source.pools().get(fromHostId);
        if (!isLocalDirectory(source) || pool == null) {
            return Optional.empty();
        }
        return room.datastores().stream()
                .filter(LocalDiskMoves::isLocalDirectory)
                .filter(d -> d.siteId().equals(source.siteId()) && !d.id().equals(source.id()))
                .filter(d -> d.hostIds().contains(toHostId) && pool.equals(d.pools().get(toHostId)))
                .min(Comparator.comparing(Datastore::id));
    }

    /**
     * Why {@code disk} can neither stay nor move with its VM to {@code toHostId}, empty when it can: what the
     * placement's datastore filter says of the host for a migration that copies local disks.
     */
    public static Optional<String> refusal(Room room, Vm vm, Disk disk, String toHostId) {
        Optional<Datastore> datastore = room.datastore(disk.datastoreId());
        if (datastore.map(d -> d.hostIds().contains(toHostId)).orElse(false)) {
            return Optional.empty();
        }
        String unreachable = "datastore " + datastore.map(Datastore::name).orElse(disk.datastoreId()) + " of disk "
                + disk.name() + " is not reachable from the host";
        if (datastore.isEmpty() || vm.hostId().isEmpty() || !isLocalDirectory(datastore.get())) {
            return Optional.of(unreachable);
        }
        String pool = datastore.get().pools().getOrDefault(vm.hostId().get(), "");
        if (counterpart(room, datastore.get(), vm.hostId().get(), toHostId).isEmpty()) {
            return Optional.of(unreachable + ", which has no local pool " + pool + " to copy it to");
        }
        if (!disk.hasVolume()) {
            return Optional.of("disk " + disk.name() + " on local datastore " + datastore.get().name()
                    + " is no volume of its pool, so it cannot be copied");
        }
        if (disk.readOnly()) {
            return Optional.of("read-only disk " + disk.name() + " on local datastore " + datastore.get().name()
                    + " is not copied by a live migration");
        }
        return Optional.empty();
    }

    /**
     * The disks of {@code vm} (on its host) that must travel to {@code toHostId}, each to its counterpart; empty when
     * every disk is reachable from there. Call it for a destination the placement accepted: a disk that can neither
     * stay nor move is a bug of the caller.
     */
    public static List<Step.DiskMove> of(Room room, Vm vm, String toHostId) {
        List<Step.DiskMove> moves = new ArrayList<>();
        for (Disk disk : vm.disks()) {
            refusal(room, vm, disk, toHostId).ifPresent(reason -> {
                throw new IllegalArgumentException("VM " + vm.name() + " cannot move to " + toHostId + ": " + reason);
            });
            Datastore datastore = room.datastore(disk.datastoreId()).orElseThrow();
            if (!datastore.hostIds().contains(toHostId)) {
                Datastore target = counterpart(room, datastore, vm.hostId().orElseThrow(), toHostId).orElseThrow();
                moves.add(new Step.DiskMove(disk.name(), datastore.id(), target.id(), disk.linked()));
            }
        }
        return moves;
    }

    /** The VM as it is recorded once its disks have moved: each moved disk on its new datastore. */
    public static Vm moved(Vm vm, List<Step.DiskMove> moves) {
        if (moves.isEmpty()) {
            return vm;
        }
        List<Disk> disks = new ArrayList<>();
        for (Disk disk : vm.disks()) {
            Disk now = disk;
            for (Step.DiskMove move : moves) {
                if (move.disk().equals(disk.name()) && move.fromDatastoreId().equals(disk.datastoreId())) {
                    now = new Disk(disk.name(), move.toDatastoreId(), disk.sizeGib(), disk.volume(), disk.format(),
                            disk.readOnly(), disk.image(), disk.linked());
                }
            }
            disks.add(now);
        }
        return vm.withDisks(disks);
    }
}
