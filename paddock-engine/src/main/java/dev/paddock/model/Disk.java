package dev.paddock.model;

import java.util.Optional;

/**
 * A virtual disk of a VM, held on a datastore.
 *
 * <p>A disk made on a datastore backed by storage pools is the volume {@code volume} of its pool; a disk of a VM
 * recorded before volumes existed (or on a datastore declared by hand) has no volume name and is the file the
 * domain builder names after the VM.
 *
 * @param sizeGib what the guest sees; 0 only for a read-only disk smaller than a GiB (a cloud-init seed)
 * @param volume the volume's name in the datastore's pool, "" for none
 * @param format the image format: "qcow2" or "raw"
 * @param readOnly true for a disk the guest only reads
 * @param image the image the disk was made from, empty for an empty disk
 * @param linked true when the disk is a qcow2 layer over {@code image} (a linked clone), false for a full copy
 */
public record Disk(String name, String datastoreId, long sizeGib, String volume, String format, Boolean readOnly,
        Optional<String> image, Boolean linked) {
    public Disk {
        // Rows and journals written before volumes have neither flag.
        readOnly = readOnly != null && readOnly;
        linked = linked != null && linked;
        Ids.require(name, "disk name");
        Ids.require(datastoreId, "disk datastore id");
        volume = volume == null ? "" : volume;
        // Rows written before volumes have no format: their disks were qcow2 files.
        format = format == null || format.isEmpty() ? "qcow2" : format;
        image = image == null ? Optional.empty() : image;
        if (sizeGib < 0 || (sizeGib == 0 && !readOnly)) {
            throw new IllegalArgumentException("disk size must be positive");
        }
        if (!format.equals("qcow2") && !format.equals("raw")) {
            throw new IllegalArgumentException("disk format must be qcow2 or raw, not " + format);
        }
        if (linked && image.isEmpty()) {
            throw new IllegalArgumentException("a linked clone names the image it is a layer over");
        }
    }

    /** A disk recorded by size alone, as before volumes: a qcow2 file named after its VM. */
    public Disk(String name, String datastoreId, long sizeGib) {
        this(name, datastoreId, sizeGib, "", "qcow2", false, Optional.empty(), false);
    }

    /** An empty qcow2 volume of {@code sizeGib}. */
    public static Disk empty(String name, String datastoreId, long sizeGib, String volume) {
        return new Disk(name, datastoreId, sizeGib, volume, "qcow2", false, Optional.empty(), false);
    }

    /** True for a disk that is a volume of its datastore's pool. */
    public boolean hasVolume() {
        return !volume.isEmpty();
    }
}
