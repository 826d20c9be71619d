package dev.paddock.hypervisor;

import java.util.Optional;

/**
 * A volume of a storage pool: a disk image file, or an iSCSI LUN.
 *
 * @param key libvirt's key, unique on the host (a path, or for a LUN its device identifier)
 * @param path how a domain's disk names it on the host (for a network pool, the volume's URL or LUN name)
 * @param format the image format ("qcow2", "raw"), or "" when libvirt does not say
 * @param backingStore the image this one is a copy-on-write layer of
 */
public record VolumeFacts(
        String name,
        String key,
        String path,
        String format,
        long capacityBytes,
        long allocationBytes,
        Optional<String> backingStore) {}
