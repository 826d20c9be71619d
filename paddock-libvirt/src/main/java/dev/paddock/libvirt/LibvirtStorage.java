package dev.paddock.libvirt;

import java.util.ArrayList;
import java.util.List;

/**
 * Domain snapshots on the hosts of a {@link LibvirtHypervisor}. Not part of the Hypervisor port yet; storage pools
 * and their volumes are.
 */
public final class LibvirtStorage {

    private final LibvirtHypervisor hypervisor;

    LibvirtStorage(LibvirtHypervisor hypervisor) {
        this.hypervisor = hypervisor;
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
