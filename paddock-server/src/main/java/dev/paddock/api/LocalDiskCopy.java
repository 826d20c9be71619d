package dev.paddock.api;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.Image;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.operation.plan.Step;
import dev.paddock.storage.LocalDiskMoves;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The volumes a migration that copies local disks makes on the target and deletes on the source, read from both
 * hosts' pools when the migration is asked: the source volume's size, format and backing image, and whether the
 * target's pool already has a volume of that name (a copy would overwrite it) and, for a linked clone, the image it
 * is a layer over (only the layer is copied). Each refusal is one sentence.
 */
record LocalDiskCopy(List<Step.DiskMove> moves, List<Step> creates, List<Step.DeleteVolume> deletes) {

    static final LocalDiskCopy NONE = new LocalDiskCopy(List.of(), List.of(), List.of());

    private static final long MIB = 1 << 20;

    LocalDiskCopy {
        moves = List.copyOf(moves);
        creates = List.copyOf(creates);
        deletes = List.copyOf(deletes);
    }

    /** What moving {@code vm} from {@code from} to {@code to} copies; {@link #NONE} when its disks are shared. */
    static LocalDiskCopy of(Hypervisor hypervisor, Room room, Function<String, Optional<Image>> images, Vm vm,
            Host from, Host to) {
        List<Step.DiskMove> moves = LocalDiskMoves.of(room, vm, to.id());
        if (moves.isEmpty()) {
            return NONE;
        }
        List<Step> creates = new ArrayList<>();
        List<Step.DeleteVolume> deletes = new ArrayList<>();
        for (Step.DiskMove move : moves) {
            Disk disk = vm.disks().stream().filter(d -> d.name().equals(move.disk())).findFirst().orElseThrow();
            String fromPool = room.datastore(move.fromDatastoreId()).orElseThrow().pools().get(from.id());
            Datastore target = room.datastore(move.toDatastoreId()).orElseThrow();
            String toPool = target.pools().get(to.id());
            VolumeFacts source = hypervisor.volumes(from.id(), fromPool).stream()
                    .filter(v -> v.name().equals(disk.volume())).findFirst()
                    .orElseThrow(() -> new PaddockException.Conflict("Volume '" + disk.volume() + "' of disk '"
                            + disk.name() + "' of VM '" + vm.name() + "' is not in pool '" + fromPool + "' on host '"
                            + from.name() + "'."));
            List<VolumeFacts> there = hypervisor.volumes(to.id(), toPool);
            if (there.stream().anyMatch(v -> v.name().equals(disk.volume()))) {
                throw new PaddockException.Conflict("Host '" + to.name() + "' already has a volume '" + disk.volume()
                        + "' in pool '" + toPool + "': disk '" + disk.name() + "' of VM '" + vm.name()
                        + "' cannot be copied over it.");
            }
            String backing = move.overImage() ? image(disk, source, images, there, vm, to, toPool) : "";
            // QEMU mirrors only into a target of the source's exact size; Paddock's volumes are whole MiB
            long capacityMib = Math.max(1, (source.capacityBytes() + MIB - 1) / MIB);
            creates.add(backing.isEmpty()
                    ? new Step.CreateVolume(to.id(), toPool, disk.volume(), capacityMib, disk.format())
                    : new Step.CloneVolume(to.id(), toPool, disk.volume(), backing, true, capacityMib * MIB));
            deletes.add(new Step.DeleteVolume(from.id(), fromPool, disk.volume()));
        }
        return new LocalDiskCopy(moves, creates, deletes);
    }

    /** The target pool's volume a linked clone's copy is a layer over: its image, which must be there already. */
    private static String image(Disk disk, VolumeFacts source, Function<String, Optional<Image>> images,
            List<VolumeFacts> there, Vm vm, Host to, String toPool) {
        Optional<Image> image = disk.image().flatMap(images);
        String volume = image.map(Image::volume).orElseGet(() -> source.backingStore()
                .map(path -> Path.of(path).getFileName().toString()).orElse(disk.image().orElse("")));
        String name = image.map(Image::name).orElse(volume);
        if (there.stream().noneMatch(v -> v.name().equals(volume))) {
            throw new PaddockException.Conflict("Host '" + to.name() + "' has no image '" + name + "' (volume '"
                    + volume + "') in pool '" + toPool + "', which disk '" + disk.name() + "' of VM '" + vm.name()
                    + "' is a linked clone of: copy the image there first.");
        }
        return volume;
    }
}
