package dev.paddock.storage;

import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.NfsExport;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleConsumer;

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

    /**
     * What qemu-img reads in the image file {@code name}: its format, the size its guest sees, and the file it is a
     * layer over, as written in it.
     */
    record ImageFacts(String format, long virtualBytes, Optional<String> backingFile) {}

    ImageFacts image(NfsExport export, String name);

    /**
     * Writes the {@code length} bytes {@code body} gives as the new file {@code name}; fails if a file of that name is
     * there. Anything short of the whole file leaves no file behind.
     *
     * @throws IOException when {@code body} cannot be read, or ends before {@code length} bytes
     */
    void write(NfsExport export, String name, long length, InputStream body) throws IOException;

    /**
     * Makes {@code name} a qcow2 layer over the export's image {@code over} (in {@code overFormat}) of
     * {@code sizeBytes}, its backing file written as the image's {@code nfs://} URL: QEMU's NFS client (7.2) resolves
     * a relative backing name against the layer's own path rather than its directory, so only a URL opens on the
     * hosts.
     */
    void layer(NfsExport export, String name, String over, String overFormat, long sizeBytes);

    /** Grows the image {@code name} (in {@code format}) to {@code sizeBytes}, as its guest will see it. */
    void resize(NfsExport export, String name, String format, long sizeBytes);

    /**
     * Copies the export's image {@code from} as the new file {@code name} in {@code format}, grown to
     * {@code sizeBytes} when it is smaller, reporting the part copied (0 to 1) as it goes. The copy takes its name only
     * once whole: a copy that fails or is cut short leaves no file of that name.
     */
    void copy(NfsExport export, String name, String from, String format, long sizeBytes, DoubleConsumer progress);

    /** Why the export could not be read or changed. */
    final class NfsException extends RuntimeException {
        public NfsException(String message) {
            super(message);
        }
    }
}
