package dev.paddock.model;

import java.util.Set;

/**
 * A disk image in a datastore's library: a volume of the datastore's pool that VMs' disks are cloned from (qcow2
 * or raw) or that a VM reads as a CD-ROM (an ISO image).
 *
 * @param volume the volume's name in the datastore's pool
 * @param format "qcow2", "raw" or "iso", as libvirt probed the contents
 * @param sizeBytes the size a guest sees (a qcow2 image's virtual size)
 * @param sha256 the SHA-256 of the volume's bytes, as they were uploaded or read at import, in lower-case hex
 */
public record Image(String id, String datastoreId, String name, String volume, String format, long sizeBytes,
        String sha256) {

    /** The formats an image can have. */
    public static final Set<String> FORMATS = Set.of("qcow2", "raw", "iso");

    public Image {
        Ids.require(id, "image id");
        Ids.require(datastoreId, "image datastore id");
        Ids.require(name, "image name");
        Ids.require(volume, "image volume");
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("image format must be qcow2, raw or iso, not " + format);
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("image size must be >= 0");
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("image checksum must be 64 lower-case hex digits");
        }
    }

    /** True for an image a VM can boot a disk from (not an ISO). */
    public boolean holdsDisk() {
        return !format.equals("iso");
    }
}
