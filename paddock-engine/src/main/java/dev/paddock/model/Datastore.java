package dev.paddock.model;

import java.util.Set;

/**
 * Storage for VM disks.
 *
 * @param shared true when every host in {@code hostIds} sees the same files (NFS, iSCSI, Ceph): VMs on a
 *     shared datastore can move between those hosts without copying disks
 * @param hostIds the hosts that can reach it
 */
public record Datastore(
        String id, String siteId, String name, boolean shared, long capacityGib, long freeGib, Set<String> hostIds) {
    public Datastore {
        Ids.require(id, "datastore id");
        Ids.require(siteId, "datastore site id");
        Ids.require(name, "datastore name");
        if (capacityGib < 0 || freeGib < 0 || freeGib > capacityGib) {
            throw new IllegalArgumentException("datastore sizes must satisfy 0 <= free <= capacity");
        }
        hostIds = Set.copyOf(hostIds);
    }
}
