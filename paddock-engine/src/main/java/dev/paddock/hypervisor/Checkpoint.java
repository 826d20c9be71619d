package dev.paddock.hypervisor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A domain checkpoint as the host knows it: the moment a backup began, kept as a dirty bitmap in each named qcow2
 * disk. The bitmaps travel with the disks (a live migration over shared storage, a clean stop and start); the
 * checkpoint's metadata is the host's, so after a migration it is {@linkplain Hypervisor#redefineCheckpoints
 * redefined} on the new host from {@code xml}.
 *
 * @param name the checkpoint's name
 * @param parent the checkpoint before it, if any
 * @param creationTime seconds since the epoch, as libvirt records it
 * @param disks the disk targets it covers with a bitmap
 * @param xml libvirt's description of it, which redefines it elsewhere
 */
public record Checkpoint(String name, Optional<String> parent, long creationTime, List<String> disks, String xml) {

    public Checkpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(xml, "xml");
        disks = List.copyOf(disks);
    }
}
