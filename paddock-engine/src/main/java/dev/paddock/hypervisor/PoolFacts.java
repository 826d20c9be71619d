package dev.paddock.hypervisor;

/**
 * A storage pool as a host's libvirt reports it. Sizes are libvirt's, in bytes: for a file system the
 * capacity of the file system and what is free on it; for an iSCSI target the sum of its LUNs, all allocated.
 *
 * @param uuid libvirt's UUID of the pool on this host (each host has its own)
 * @param active true while the pool is started (mounted, logged in): only then are its sizes current
 */
public record PoolFacts(
        String name,
        String uuid,
        PoolType type,
        PoolSource source,
        String targetPath,
        long capacityBytes,
        long allocationBytes,
        long availableBytes,
        boolean active) {

    public PoolFacts {
        targetPath = targetPath == null ? "" : targetPath;
    }
}
