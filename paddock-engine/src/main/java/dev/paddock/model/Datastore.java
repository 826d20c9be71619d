package dev.paddock.model;

import java.util.Map;
import java.util.Set;

/**
 * Storage for VM disks: a libvirt storage pool on each host that reaches it (one source seen by several hosts is
 * one datastore), or a datastore a user declared by hand.
 *
 * @param shared true when every host in {@code hostIds} sees the same files (NFS, iSCSI, Ceph): VMs on a
 *     shared datastore can move between those hosts without copying disks
 * @param capacityGib {@code capacityBytes} in whole GiB, rounded down
 * @param freeGib {@code freeBytes} in whole GiB, rounded down
 * @param hostIds the hosts that can reach it: for a pool, the hosts where it is started
 * @param type libvirt's pool type ("dir", "netfs", "iscsi", "iscsi-direct", "rbd", or another libvirt names),
 *     {@value #NFS} for an NFS export no host mounts (QEMU's own client reaches it), or {@value #DECLARED} for one
 *     declared by hand
 * @param source what names the storage whichever host sees it (an NFS server and export, an iSCSI portal and
 *     target, a Ceph pool; a directory's path, with its host's id when it is local); "" when declared by hand;
 *     for {@value #NFS}, {@link NfsExport#key()}
 * @param capacityBytes the size libvirt reports (for iSCSI the sum of the LUNs)
 * @param freeBytes what libvirt reports available (for iSCSI 0: every LUN is allocated)
 * @param pools the pool's name on each host that defines it, started or not; none for {@value #NFS}
 */
public record Datastore(
        String id,
        String siteId,
        String name,
        boolean shared,
        long capacityGib,
        long freeGib,
        Set<String> hostIds,
        String type,
        String source,
        long capacityBytes,
        long freeBytes,
        Map<String, String> pools) {

    public static final String DECLARED = "declared";
    /**
     * An NFS export that no host mounts: a disk on it is a network image QEMU opens with its own NFS client, and
     * Paddock itself reads its sizes and makes and removes its files over NFS. Where hosts can mount NFS in the
     * kernel, a libvirt {@code netfs} pool is the other way to the same export.
     */
    public static final String NFS = "nfs";
    private static final int GIB_SHIFT = 30;

    public Datastore {
        Ids.require(id, "datastore id");
        Ids.require(siteId, "datastore site id");
        Ids.require(name, "datastore name");
        Ids.require(type, "datastore type");
        if (capacityBytes < 0 || freeBytes < 0 || freeBytes > capacityBytes) {
            throw new IllegalArgumentException("datastore sizes must satisfy 0 <= free <= capacity");
        }
        if (capacityGib != capacityBytes >> GIB_SHIFT || freeGib != freeBytes >> GIB_SHIFT) {
            throw new IllegalArgumentException("datastore sizes in GiB must be its sizes in bytes, rounded down");
        }
        hostIds = Set.copyOf(hostIds);
        source = source == null ? "" : source;
        pools = Map.copyOf(pools);
    }

    /** A datastore declared by hand, sized in GiB. */
    public Datastore(String id, String siteId, String name, boolean shared, long capacityGib, long freeGib,
            Set<String> hostIds) {
        this(id, siteId, name, shared, capacityGib, freeGib, hostIds, DECLARED, "", gib(capacityGib),
                gib(freeGib), Map.of());
    }

    /** A datastore backed by storage pools, sized in bytes as libvirt reports it. */
    public static Datastore ofPools(String id, String siteId, String name, boolean shared, Set<String> hostIds,
            String type, String source, long capacityBytes, long freeBytes, Map<String, String> pools) {
        return new Datastore(id, siteId, name, shared, capacityBytes >> GIB_SHIFT, freeBytes >> GIB_SHIFT, hostIds,
                type, source, capacityBytes, freeBytes, pools);
    }

    /** An NFS export reached by QEMU's own client from {@code hostIds}, sized as the server reports it. */
    public static Datastore onNfs(String id, String siteId, String name, Set<String> hostIds, NfsExport export,
            long capacityBytes, long freeBytes) {
        return new Datastore(id, siteId, name, true, capacityBytes >> GIB_SHIFT, freeBytes >> GIB_SHIFT, hostIds,
                NFS, export.key(), capacityBytes, freeBytes, Map.of());
    }

    /** True for one backed by libvirt storage pools, kept up to date by discovery. */
    public boolean backedByPools() {
        return !type.equals(DECLARED) && !type.equals(NFS);
    }

    /** The export of a datastore of type {@value #NFS}; empty for any other. */
    public java.util.Optional<NfsExport> nfsExport() {
        return type.equals(NFS) ? java.util.Optional.of(NfsExport.parse(source)) : java.util.Optional.empty();
    }

    /** The same datastore with the sizes its storage reports now. */
    public Datastore withSizes(long capacityBytes, long freeBytes) {
        long free = Math.min(freeBytes, capacityBytes);
        return new Datastore(id, siteId, name, shared, capacityBytes >> GIB_SHIFT, free >> GIB_SHIFT, hostIds,
                type, source, capacityBytes, free, pools);
    }

    private static long gib(long amount) {
        if (amount < 0 || amount > Long.MAX_VALUE >> GIB_SHIFT) {
            throw new IllegalArgumentException("datastore sizes must satisfy 0 <= free <= capacity");
        }
        return amount << GIB_SHIFT;
    }
}
