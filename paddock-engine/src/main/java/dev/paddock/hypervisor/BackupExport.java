package dev.paddock.hypervisor;

import java.util.List;
import java.util.Optional;

/**
 * What a host exports for a pull-mode backup while its job runs: an NBD server at {@code address:port} with one
 * export per disk. Ended by {@link Hypervisor#endBackup}.
 *
 * @param address where the NBD server listens
 * @param port its TCP port
 * @param disks one export per disk
 */
public record BackupExport(String address, int port, List<Disk> disks) {

    public BackupExport {
        disks = List.copyOf(disks);
    }

    /**
     * One disk's export.
     *
     * @param target the disk's target in the domain (vda)
     * @param exportName the NBD export name
     * @param bitmap the dirty bitmap's name in the export (meta context qemu:dirty-bitmap:NAME), for an incremental
     */
    public record Disk(String target, String exportName, Optional<String> bitmap) {}

    public Optional<Disk> disk(String target) {
        return disks.stream().filter(d -> d.target().equals(target)).findFirst();
    }
}
