package dev.paddock.libvirt;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;

/**
 * Datastores as libvirt storage pools: a directory pool per datastore (a shared directory, NFS mount or cluster
 * file system seen at the same path by every host), and disk images as its volumes.
 */
final class StoragePools {

    private static final Set<String> FORMATS = Set.of("qcow2", "raw");

    private StoragePools() {}

    static String poolXml(String name, String directory) {
        return "<pool type='dir'><name>" + DomainXml.escape(name) + "</name><target><path>"
                + DomainXml.escape(directory) + "</path></target></pool>";
    }

    static String volumeXml(String name, long sizeMib, String format) {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("volume format must be qcow2 or raw, not " + format);
        }
        if (sizeMib < 1) {
            throw new IllegalArgumentException("a volume needs at least 1 MiB, not " + sizeMib);
        }
        return "<volume><name>" + DomainXml.escape(name) + "</name><capacity unit='MiB'>" + sizeMib
                + "</capacity><target><format type='" + format + "'/></target></volume>";
    }

    /** Defines, builds and starts the pool when it is missing or stopped; returns what it holds. */
    static LibvirtStorage.PoolInfo ensure(Connect connect, String name, String directory) throws LibvirtException {
        StoragePool pool = find(connect, name);
        try {
            if (pool == null) {
                pool = connect.storagePoolDefineXML(poolXml(name, directory), 0);
                pool.build(0);
                pool.setAutostart(1);
            }
            if (pool.isActive() == 0) {
                pool.create(0);
            }
            pool.refresh(0);
            return info(pool, name);
        } finally {
            free(pool);
        }
    }

    static List<LibvirtStorage.PoolInfo> list(Connect connect) throws LibvirtException {
        var names = new ArrayList<String>(List.of(connect.listStoragePools()));
        names.addAll(List.of(connect.listDefinedStoragePools()));
        var pools = new ArrayList<LibvirtStorage.PoolInfo>();
        for (String name : names) {
            StoragePool pool = connect.storagePoolLookupByName(name);
            try {
                pools.add(info(pool, name));
            } finally {
                free(pool);
            }
        }
        return List.copyOf(pools);
    }

    /** Creates the volume unless it exists; returns its path either way. */
    static String createVolume(Connect connect, String poolName, String name, long sizeMib, String format)
            throws LibvirtException {
        String xml = volumeXml(name, sizeMib, format);
        StoragePool pool = require(connect, poolName);
        StorageVol volume = null;
        try {
            pool.refresh(0);
            try {
                volume = pool.storageVolLookupByName(name);
            } catch (LibvirtException e) {
                volume = pool.storageVolCreateXML(xml, 0);
            }
            return volume.getPath();
        } finally {
            if (volume != null) {
                volume.free();
            }
            free(pool);
        }
    }

    /** Deletes the volume; a no-op when it does not exist. */
    static void deleteVolume(Connect connect, String poolName, String name) throws LibvirtException {
        StoragePool pool = require(connect, poolName);
        try {
            pool.refresh(0);
            StorageVol volume;
            try {
                volume = pool.storageVolLookupByName(name);
            } catch (LibvirtException e) {
                return;
            }
            try {
                volume.delete(0);
            } finally {
                volume.free();
            }
        } finally {
            free(pool);
        }
    }

    private static LibvirtStorage.PoolInfo info(StoragePool pool, String name) throws LibvirtException {
        StoragePoolInfo info = pool.getInfo();
        String path = HostCapabilities.firstText(pool.getXMLDesc(0), "path");
        return new LibvirtStorage.PoolInfo(name, path, pool.isActive() == 1, info.capacity, info.available);
    }

    private static StoragePool require(Connect connect, String name) throws LibvirtException {
        StoragePool pool = find(connect, name);
        if (pool == null) {
            throw new HypervisorException(Reason.NOT_FOUND, "no datastore (storage pool) " + name);
        }
        return pool;
    }

    private static StoragePool find(Connect connect, String name) throws LibvirtException {
        try {
            return connect.storagePoolLookupByName(name);
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
                return null;
            }
            throw e;
        }
    }

    private static void free(StoragePool pool) {
        if (pool != null) {
            try {
                pool.free();
            } catch (LibvirtException e) {
                // Freeing only drops our reference; nothing to do if libvirt already let go.
            }
        }
    }
}
