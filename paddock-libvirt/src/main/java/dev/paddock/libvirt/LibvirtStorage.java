package dev.paddock.libvirt;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Datastores as libvirt storage pools, disk images as their volumes, and domain snapshots, on the hosts of a
 * {@link LibvirtHypervisor}. Not part of the Hypervisor port yet.
 */
public final class LibvirtStorage {

    private final LibvirtHypervisor hypervisor;

    LibvirtStorage(LibvirtHypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    /** A datastore as a host's libvirt storage pool sees it. */
    public record PoolInfo(String name, String path, boolean active, long capacityBytes, long availableBytes) {}

    /** Makes sure the host has a started directory pool {@code name} over {@code directory}; idempotent. */
    public PoolInfo datastore(String hostId, String name, String directory) {
        return hypervisor.call(hostId, "set up datastore " + name + " on " + hostId,
                connect -> StoragePools.ensure(connect, name, directory));
    }

    public List<PoolInfo> datastores(String hostId) {
        return hypervisor.call(hostId, "list datastores on " + hostId, StoragePools::list);
    }

    /** Creates a disk image in a datastore unless it exists, and returns its path on the host. */
    public String createVolume(String hostId, String pool, String name, long sizeMib, String format) {
        try {
            StoragePools.volumeXml(name, sizeMib, format);
        } catch (IllegalArgumentException e) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "volume " + name + ": " + e.getMessage(), e);
        }
        return hypervisor.call(hostId, "create volume " + name + " in " + pool + " on " + hostId,
                connect -> StoragePools.createVolume(connect, pool, name, sizeMib, format));
    }

    /** Deletes a disk image from a datastore; a no-op when it does not exist. */
    public void deleteVolume(String hostId, String pool, String name) {
        hypervisor.call(hostId, "delete volume " + name + " from " + pool + " on " + hostId, connect -> {
            StoragePools.deleteVolume(connect, pool, name);
            return null;
        });
    }

    /** Takes a snapshot of the domain (disks, and memory when it runs); names are unique per domain. */
    public void snapshot(String hostId, String uuid, String name) {
        hypervisor.onDomain(hostId, uuid, "snapshot", domain -> domain.snapshotCreateXML(
                "<domainsnapshot><name>" + DomainXml.escape(name) + "</name></domainsnapshot>").free());
    }

    public List<String> snapshots(String hostId, String uuid) {
        var names = new ArrayList<String>();
        hypervisor.onDomain(hostId, uuid, "list the snapshots of", domain -> names.addAll(List.of(domain.snapshotListNames())));
        return List.copyOf(names);
    }

    public void revertToSnapshot(String hostId, String uuid, String name) {
        hypervisor.onDomain(hostId, uuid, "revert to snapshot " + name + " of", domain -> {
            var snapshot = domain.snapshotLookupByName(name);
            try {
                domain.revertToSnapshot(snapshot);
            } finally {
                snapshot.free();
            }
        });
    }

    public void deleteSnapshot(String hostId, String uuid, String name) {
        hypervisor.onDomain(hostId, uuid, "delete snapshot " + name + " of", domain -> {
            var snapshot = domain.snapshotLookupByName(name);
            try {
                snapshot.delete(0);
            } finally {
                snapshot.free();
            }
        });
    }
}
