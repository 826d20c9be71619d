package dev.paddock.storage;

import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.NfsExport;
import java.util.List;
import java.util.Optional;

/**
 * The port to NFS exports that no host mounts (datastores of type {@code nfs}): the server itself reads their sizes
 * and makes and removes their image files over the network, as an agentless manager reaches a NAS. Guests reach the
 * same files through QEMU's own NFS client. Every failure is an {@link NfsException} whose message is one sentence.
 */
public interface NfsExports {

    /** What the server reports for the export's file system. */
    record Usage(long capacityBytes, long freeBytes) {}

    Usage usage(NfsExport export);

    /** The regular files in the export's top directory, by name. */
    List<VolumeFacts> files(NfsExport export);

    /** The file {@code name} in the export's top directory; empty when there is none. */
    Optional<VolumeFacts> file(NfsExport export, String name);

    /** Makes the empty image {@code name} ("qcow2" or "raw") of {@code sizeBytes}; fails if it is there already. */
    void create(NfsExport export, String name, String format, long sizeBytes);

    /** Removes the file {@code name}; false when there was none. */
    boolean delete(NfsExport export, String name);

    /** Why the export could not be read or changed. */
    final class NfsException extends RuntimeException {
        public NfsException(String message) {
            super(message);
        }
    }
}
