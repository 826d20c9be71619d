package dev.paddock.hypervisor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A pull-mode backup to begin on a running domain: the host exports a point-in-time view of each named disk over NBD
 * at {@code address:port} (TCP, an address of the host's), and creates checkpoint {@code checkpoint} at that moment,
 * so that a later backup can ask for what changed since it. With {@code since}, each export also carries the dirty
 * bitmap of what the guest wrote after that checkpoint.
 *
 * @param checkpoint the new checkpoint's name
 * @param since the checkpoint the backup is incremental from; empty for a full backup
 * @param disks the disk targets to export (vda, vdb...); qcow2 disks only: a checkpoint lives in qcow2 bitmaps
 * @param address the host's address the NBD server listens on
 * @param port the NBD server's TCP port on the host
 */
public record BackupRequest(String checkpoint, Optional<String> since, List<String> disks, String address, int port) {

    /** The name of a disk's dirty bitmap in an incremental export (meta context qemu:dirty-bitmap:NAME). */
    public static String exportBitmap(String disk) {
        return "changed-" + disk;
    }

    public BackupRequest {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(address, "address");
        disks = List.copyOf(disks);
        if (checkpoint.isBlank()) {
            throw new IllegalArgumentException("a backup needs the name of the checkpoint it creates");
        }
        if (disks.isEmpty()) {
            throw new IllegalArgumentException("a backup needs at least one disk");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("an NBD port is 1-65535, not " + port);
        }
    }
}
