package dev.paddock.libvirt;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import java.util.ArrayList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;
import org.libvirt.Stream;
import java.util.Optional;
import java.util.Set;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;
import org.w3c.dom.Element;

/**
 * Datastores as libvirt storage pools, and disk images (or LUNs) as their volumes: the pool XML Paddock writes for
 * each type, the XML libvirt answers read back into {@link PoolFacts}, and the calls that define, start and list.
 *
 * <p>An {@code rbd} pool is written as libvirt documents it, without a {@code <auth>} element (a Ceph cluster with
 * cephx needs a libvirt secret first); it has not been tried on a Ceph cluster here.
 */
final class StoragePools {

    private static final Set<String> FORMATS = Set.of("qcow2", "raw");

    private StoragePools() {}

    /** The pool's definition as libvirt reads it. */
    static String poolXml(PoolSpec spec) {
        var xml = new StringBuilder("<pool type='").append(spec.type().xmlName()).append("'><name>")
                .append(DomainXml.escape(spec.name())).append("</name>");
        PoolSource source = spec.source();
        switch (spec.type()) {
            case DIR -> { }
            case NETFS -> xml.append("<source>").append(host(source.host())).append("<dir path='")
                    .append(DomainXml.escape(source.path())).append("'/><format type='nfs'/></source>");
            case ISCSI -> xml.append("<source>").append(host(source.host())).append("<device path='")
                    .append(DomainXml.escape(source.path())).append("'/></source>");
            case ISCSI_DIRECT -> xml.append("<source>").append(host(source.host())).append("<device path='")
                    .append(DomainXml.escape(source.path())).append("'/><initiator><iqn name='")
                    .append(DomainXml.escape(source.initiatorIqn().orElseThrow())).append("'/></initiator></source>");
            case RBD -> {
                xml.append("<source><name>").append(DomainXml.escape(source.path())).append("</name>");
                source.hosts().forEach(monitor -> xml.append(host(monitor)));
                xml.append("</source>");
            }
            case OTHER -> throw new IllegalArgumentException("Paddock does not define pools of other types");
        }
        if (!spec.targetPath().isEmpty() && spec.type() != PoolType.ISCSI_DIRECT && spec.type() != PoolType.RBD) {
            xml.append("<target><path>").append(DomainXml.escape(spec.targetPath())).append("</path></target>");
        }
        return xml.append("</pool>").toString();
    }

    private static String host(String name) {
        return "<host name='" + DomainXml.escape(name) + "'/>";
    }

    /** What a pool's XML says of it, its sizes left at zero (they come from virStoragePoolGetInfo). */
    static PoolFacts parsePool(String xml) {
        Element root = XmlDocuments.parse(xml, "storage pool").getDocumentElement();
        PoolType type = PoolType.ofXmlName(root.getAttribute("type"));
        Optional<Element> source = XmlDocuments.child(root, "source");
        List<String> hosts = new ArrayList<>();
        String path = "";
        Optional<String> initiator = Optional.empty();
        if (source.isPresent()) {
            for (Element child : XmlDocuments.children(source.get())) {
                switch (child.getTagName()) {
                    case "host" -> hosts.add(child.getAttribute("name"));
                    case "dir", "device" -> path = path.isEmpty() ? child.getAttribute("path") : path;
                    case "name" -> path = type == PoolType.RBD ? child.getTextContent().trim() : path;
                    case "initiator" -> initiator = XmlDocuments.child(child, "iqn").map(iqn -> iqn.getAttribute("name"));
                    default -> { }
                }
            }
        }
        String target = XmlDocuments.child(root, "target").map(t -> XmlDocuments.text(t, "path")).orElse("");
        return new PoolFacts(XmlDocuments.text(root, "name"), XmlDocuments.text(root, "uuid"), type,
                new PoolSource(hosts, path, initiator), target, 0, 0, 0, false);
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

    /**
     * A volume's sizes, format and backing store as its XML says them. Read from the XML rather than
     * virStorageVolGetInfo: libvirt-java's StorageVolInfo knows no volume type past "dir" and fails on an iSCSI LUN
     * ("network").
     */
    record VolumeXml(long capacityBytes, long allocationBytes, String format, Optional<String> backingStore) {}

    static VolumeXml parseVolume(String xml) {
        Element root = XmlDocuments.parse(xml, "storage volume").getDocumentElement();
        String format = XmlDocuments.child(root, "target").map(t -> XmlDocuments.attribute(t, "format", "type"))
                .orElse("");
        Optional<String> backing = XmlDocuments.child(root, "backingStore").map(b -> XmlDocuments.text(b, "path"))
                .filter(path -> !path.isEmpty());
        return new VolumeXml(bytes(root, "capacity"), bytes(root, "allocation"), format, backing);
    }

    /** libvirt writes sizes in bytes; a size in another unit is not expected and reads as unknown (0). */
    private static long bytes(Element volume, String name) {
        return XmlDocuments.child(volume, name)
                .filter(e -> e.getAttribute("unit").isEmpty() || e.getAttribute("unit").equals("bytes"))
                .map(e -> e.getTextContent().trim())
                .filter(text -> text.matches("\\d{1,19}"))
                .map(Long::parseLong)
                .orElse(0L);
    }

    /**
     * Defines, builds (a directory or mount point), starts and autostarts the pool, unless the host has it already
     * under this name or over the same storage under another; then it is started if it was not. A pool defined here
     * that fails to start is undefined again: a failed call leaves no definition behind.
     */
    static PoolFacts define(Connect connect, PoolSpec spec) throws LibvirtException {
        String key = spec.source().storageKey(spec.type(), spec.targetPath());
        Optional<StoragePool> named = find(connect, spec.name());
        if (named.isPresent()) {
            StoragePool pool = named.get();
            try {
                PoolFacts held = parsePool(pool.getXMLDesc(0));
                if (held.type() != spec.type() || !key.equals(held.source().storageKey(held.type(), held.targetPath()))) {
                    throw new HypervisorException(Reason.ALREADY_EXISTS, "a storage pool named " + spec.name()
                            + " exists already over other storage (" + held.type().xmlName() + " "
                            + held.source().storageKey(held.type(), held.targetPath()) + ")");
                }
                return started(pool);
            } finally {
                free(pool);
            }
        }
        for (String name : names(connect)) {
            StoragePool pool = connect.storagePoolLookupByName(name);
            try {
                PoolFacts held = parsePool(pool.getXMLDesc(0));
                if (held.type() == spec.type() && key.equals(held.source().storageKey(held.type(), held.targetPath()))) {
                    return started(pool);
                }
            } finally {
                free(pool);
            }
        }
        StoragePool pool = connect.storagePoolDefineXML(poolXml(spec), 0);
        try {
            if (spec.type() == PoolType.DIR || spec.type() == PoolType.NETFS) {
                pool.build(0);
            }
            pool.create(0);
            pool.setAutostart(1);
            return facts(pool);
        } catch (LibvirtException | RuntimeException e) {
            undefineQuietly(pool);
            throw e;
        } finally {
            free(pool);
        }
    }

    private static PoolFacts started(StoragePool pool) throws LibvirtException {
        if (pool.isActive() == 0) {
            pool.create(0);
        }
        if (!pool.getAutostart()) {
            pool.setAutostart(1);
        }
        return facts(pool);
    }

    static List<PoolFacts> list(Connect connect) throws LibvirtException {
        var pools = new ArrayList<PoolFacts>();
        for (String name : names(connect)) {
            Optional<StoragePool> pool = find(connect, name);
            if (pool.isEmpty()) {
                continue; // undefined between the listing and the lookup
            }
            try {
                pools.add(facts(pool.get()));
            } finally {
                free(pool.get());
            }
        }
        return List.copyOf(pools);
    }

    /** Destroys (stops) and undefines the pool, its storage untouched; a no-op when it is unknown. */
    static void undefine(Connect connect, String name) throws LibvirtException {
        Optional<StoragePool> pool = find(connect, name);
        if (pool.isEmpty()) {
            return;
        }
        try {
            if (pool.get().isActive() == 1) {
                pool.get().destroy();
            }
            pool.get().undefine();
        } finally {
            free(pool.get());
        }
    }

    static List<VolumeFacts> volumes(Connect connect, String poolName) throws LibvirtException {
        StoragePool pool = require(connect, poolName);
        try {
            if (pool.isActive() == 0) {
                return List.of();
            }
            refresh(pool);
            var volumes = new ArrayList<VolumeFacts>();
            for (String name : pool.listVolumes()) {
                StorageVol volume = pool.storageVolLookupByName(name);
                try {
                    volumes.add(volume(volume, name));
                } finally {
                    volume.free();
                }
            }
            return List.copyOf(volumes);
        } finally {
            free(pool);
        }
    }

    /** Creates the volume unless it exists; returns it either way. */
    static VolumeFacts createVolume(Connect connect, String poolName, String name, long sizeMib, String format)
            throws LibvirtException {
        String xml = volumeXml(name, sizeMib, format);
        StoragePool pool = require(connect, poolName);
        StorageVol volume = null;
        try {
            refresh(pool);
            try {
                volume = pool.storageVolLookupByName(name);
            } catch (LibvirtException e) {
                volume = pool.storageVolCreateXML(xml, 0);
            }
            return volume(volume, name);
        } finally {
            if (volume != null) {
                volume.free();
            }
            free(pool);
        }
    }

    /**
     * Makes {@code name} a copy of the pool's volume {@code from} unless it exists, and returns it either way: a
     * qcow2 layer over it when {@code linked}, else a copy of every byte in its format, whose growth is reported.
     */
    static VolumeFacts cloneVolume(Connect connect, String poolName, String name, String from, boolean linked,
            long capacityBytes, Consumer<Double> progress) throws LibvirtException {
        StoragePool pool = require(connect, poolName);
        StorageVol source = null;
        StorageVol made = null;
        try {
            refresh(pool);
            Optional<StorageVol> existing = lookup(pool, name);
            if (existing.isPresent()) {
                made = existing.get();
                return volume(made, name);
            }
            source = lookup(pool, from).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                    "no volume " + from + " in datastore (storage pool) " + poolName));
            VolumeXml original = parseVolume(source.getXMLDesc(0));
            long capacity = Math.max(capacityBytes, original.capacityBytes());
            String format = original.format().isEmpty() ? "raw" : original.format();
            if (linked) {
                made = pool.storageVolCreateXML(linkedCloneXml(name, capacity, source.getPath(), format), 0);
            } else {
                made = copy(connect, pool, name, source, format, capacity, original.allocationBytes(), progress);
            }
            progress.accept(1.0);
            return volume(made, name);
        } finally {
            freeAll(source, made);
            free(pool);
        }
    }

    /** A qcow2 volume whose backing file is {@code backingPath}, of that format. */
    static String linkedCloneXml(String name, long capacityBytes, String backingPath, String backingFormat) {
        return "<volume><name>" + DomainXml.escape(name) + "</name><capacity unit='bytes'>" + capacityBytes
                + "</capacity><target><format type='qcow2'/></target><backingStore><path>"
                + DomainXml.escape(backingPath) + "</path><format type='" + DomainXml.escape(backingFormat)
                + "'/></backingStore></volume>";
    }

    /** A full copy of a volume, its growth polled from a second thread while libvirt copies. */
    private static StorageVol copy(Connect connect, StoragePool pool, String name, StorageVol source, String format,
            long capacityBytes, long sourceBytes, Consumer<Double> progress) throws LibvirtException {
        String xml = "<volume><name>" + DomainXml.escape(name) + "</name><capacity unit='bytes'>" + capacityBytes
                + "</capacity><target><format type='" + DomainXml.escape(format) + "'/></target></volume>";
        String poolName = pool.getName();
        Thread watcher = Thread.ofVirtual().name("volume-copy-" + name).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(500);
                    StoragePool again = connect.storagePoolLookupByName(poolName);
                    try {
                        StorageVol growing = again.storageVolLookupByName(name);
                        try {
                            long written = parseVolume(growing.getXMLDesc(0)).allocationBytes();
                            progress.accept(sourceBytes <= 0 ? 0.0 : Math.min(0.99, (double) written / sourceBytes));
                        } finally {
                            growing.free();
                        }
                    } finally {
                        again.free();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (LibvirtException | RuntimeException e) {
                    // Not listed yet, or done: the next poll, or the copy's own end, tells.
                }
            }
        });
        try {
            return pool.storageVolCreateXMLFrom(xml, source, 0);
        } finally {
            watcher.interrupt();
        }
    }

    /**
     * Writes {@code length} bytes of {@code data} into a new raw-declared volume (libvirt probes the real format
     * from the contents when the pool is refreshed), and returns the volume as the refreshed pool sees it. On any
     * failure the half-written volume is deleted.
     */
    static VolumeFacts uploadVolume(Connect connect, String poolName, String name, long length, InputStream data)
            throws LibvirtException {
        if (length < 1) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "an upload needs at least one byte");
        }
        StoragePool pool = require(connect, poolName);
        StorageVol volume = null;
        boolean done = false;
        try {
            refresh(pool);
            if (lookup(pool, name).map(StoragePools::freed).isPresent()) {
                throw new HypervisorException(Reason.ALREADY_EXISTS, "datastore (storage pool) " + poolName
                        + " has a volume named " + name + " already");
            }
            volume = pool.storageVolCreateXML("<volume><name>" + DomainXml.escape(name)
                    + "</name><capacity unit='bytes'>" + length + "</capacity><allocation unit='bytes'>0</allocation>"
                    + "<target><format type='raw'/></target></volume>", 0);
            Stream stream = connect.streamNew(0);
            try {
                volume.upload(stream, 0, length, 0);
                send(stream, data, length, name);
                stream.finish();
            } catch (RuntimeException | LibvirtException e) {
                abortQuietly(stream);
                throw e;
            } finally {
                stream.free();
            }
            refresh(pool);
            StorageVol probed = pool.storageVolLookupByName(name);
            try {
                done = true;
                return volume(probed, name);
            } finally {
                probed.free();
            }
        } finally {
            if (volume != null) {
                if (!done) {
                    deleteQuietly(volume);
                }
                freeAll(volume);
            }
            free(pool);
        }
    }

    private static void send(Stream stream, InputStream data, long length, String name) throws LibvirtException {
        byte[] buffer = new byte[1 << 20];
        long left = length;
        try {
            while (left > 0) {
                int read = data.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new HypervisorException(Reason.INVALID_ARGUMENT, "upload of " + name + " ended after "
                            + (length - left) + " of " + length + " bytes");
                }
                int sent = 0;
                while (sent < read) {
                    byte[] chunk = sent == 0 && read == buffer.length ? buffer
                            : java.util.Arrays.copyOfRange(buffer, sent, read);
                    int wrote = stream.send(chunk);
                    if (wrote < 0) {
                        throw new HypervisorException(Reason.FAILED, "the host stopped taking the upload of " + name);
                    }
                    sent += wrote;
                }
                left -= read;
            }
        } catch (IOException e) {
            throw new HypervisorException(Reason.FAILED, "reading the upload of " + name + " failed: " + e.getMessage(),
                    e);
        }
    }

    /** Streams the volume's every byte to {@code out}. */
    static void downloadVolume(Connect connect, String poolName, String name, OutputStream out)
            throws LibvirtException {
        StoragePool pool = require(connect, poolName);
        StorageVol volume = null;
        try {
            refresh(pool);
            volume = lookup(pool, name).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                    "no volume " + name + " in datastore (storage pool) " + poolName));
            Stream stream = connect.streamNew(0);
            try {
                volume.download(stream, 0, 0, 0);
                byte[] buffer = new byte[1 << 20];
                int read;
                while ((read = stream.receive(buffer)) > 0) {
                    out.write(buffer, 0, read);
                }
                stream.finish();
            } catch (IOException e) {
                abortQuietly(stream);
                throw new HypervisorException(Reason.FAILED, "writing the download of " + name + " failed: "
                        + e.getMessage(), e);
            } catch (RuntimeException | LibvirtException e) {
                abortQuietly(stream);
                throw e;
            } finally {
                stream.free();
            }
        } finally {
            freeAll(volume);
            free(pool);
        }
    }

    /**
     * Copies the host's file {@code path} into the pool as {@code name}. A file in no pool is reached through a
     * transient directory pool over its directory, removed afterwards.
     */
    static VolumeFacts importVolume(Connect connect, String poolName, String name, String path)
            throws LibvirtException {
        StoragePool pool = require(connect, poolName);
        StoragePool transientPool = null;
        StorageVol source = null;
        StorageVol made = null;
        try {
            refresh(pool);
            if (lookup(pool, name).map(StoragePools::freed).isPresent()) {
                throw new HypervisorException(Reason.ALREADY_EXISTS, "datastore (storage pool) " + poolName
                        + " has a volume named " + name + " already");
            }
            Optional<StorageVol> inPool = byPath(connect, path);
            if (inPool.isEmpty()) {
                int slash = path.lastIndexOf('/');
                if (!path.startsWith("/") || slash == path.length() - 1) {
                    throw new HypervisorException(Reason.INVALID_ARGUMENT, "'" + path + "' is not an absolute path to a file");
                }
                String directory = slash == 0 ? "/" : path.substring(0, slash);
                try {
                    transientPool = connect.storagePoolCreateXML("<pool type='dir'><name>paddock-import-"
                            + java.util.UUID.randomUUID() + "</name><target><path>" + DomainXml.escape(directory)
                            + "</path></target></pool>", 0);
                } catch (LibvirtException e) {
                    throw new HypervisorException(Reason.NOT_FOUND, "the host has no directory " + directory, e);
                }
                inPool = lookup(transientPool, path.substring(slash + 1));
            }
            source = inPool.orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND, "the host has no file " + path));
            VolumeXml original = parseVolume(source.getXMLDesc(0));
            String format = original.format().isEmpty() ? "raw" : original.format();
            made = pool.storageVolCreateXMLFrom("<volume><name>" + DomainXml.escape(name) + "</name><capacity unit='bytes'>"
                    + original.capacityBytes() + "</capacity><target><format type='" + DomainXml.escape(format)
                    + "'/></target></volume>", source, 0);
            return volume(made, name);
        } finally {
            freeAll(source, made);
            if (transientPool != null) {
                try {
                    transientPool.destroy();
                } catch (LibvirtException e) {
                    // A transient pool left running holds nothing; libvirt drops it when the daemon restarts.
                }
                free(transientPool);
            }
            free(pool);
        }
    }

    /** The volume at {@code path} in a started pool, the pools refreshed once if it is not listed yet. */
    private static Optional<StorageVol> byPath(Connect connect, String path) throws LibvirtException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return Optional.of(connect.storageVolLookupByPath(path));
            } catch (LibvirtException e) {
                if (attempt == 0) {
                    for (String started : connect.listStoragePools()) {
                        StoragePool each = connect.storagePoolLookupByName(started);
                        try {
                            refresh(each);
                        } catch (LibvirtException ignored) {
                            // A pool that cannot refresh holds nothing new.
                        } finally {
                            free(each);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Refreshes the pool's listing. libvirt refuses while the pool has a volume upload or download under way ("has
     * asynchronous jobs running"), which is short: wait and try again, for up to a minute.
     */
    static void refresh(StoragePool pool) throws LibvirtException {
        for (int attempt = 0; ; attempt++) {
            try {
                pool.refresh(0);
                return;
            } catch (LibvirtException e) {
                if (attempt >= REFRESH_ATTEMPTS || e.getMessage() == null
                        || !e.getMessage().contains("asynchronous jobs running")) {
                    throw e;
                }
                try {
                    Thread.sleep(REFRESH_WAIT_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static final int REFRESH_ATTEMPTS = 300;
    private static final long REFRESH_WAIT_MILLIS = 200;

    private static Optional<StorageVol> lookup(StoragePool pool, String name) throws LibvirtException {
        try {
            return Optional.of(pool.storageVolLookupByName(name));
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_STORAGE_VOL) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static StorageVol freed(StorageVol volume) {
        freeAll(volume);
        return volume;
    }

    private static void freeAll(StorageVol... volumes) {
        for (StorageVol volume : volumes) {
            if (volume != null) {
                try {
                    volume.free();
                } catch (LibvirtException e) {
                    // Only our reference.
                }
            }
        }
    }

    private static void deleteQuietly(StorageVol volume) {
        try {
            volume.delete(0);
        } catch (LibvirtException e) {
            // The upload's own failure is the one to report.
        }
    }

    private static void abortQuietly(Stream stream) {
        try {
            stream.abort();
        } catch (LibvirtException e) {
            // The stream is gone either way.
        }
    }

    /** Grows the volume to {@code capacityBytes}; one that large already is left as it is. */
    static VolumeFacts resizeVolume(Connect connect, String poolName, String name, long capacityBytes)
            throws LibvirtException {
        StoragePool pool = require(connect, poolName);
        StorageVol volume = null;
        try {
            pool.refresh(0);
            try {
                volume = pool.storageVolLookupByName(name);
            } catch (LibvirtException e) {
                throw new HypervisorException(Reason.NOT_FOUND, "no volume " + name + " in storage pool " + poolName);
            }
            VolumeFacts now = volume(volume, name);
            if (capacityBytes < now.capacityBytes()) {
                throw new HypervisorException(Reason.INVALID_ARGUMENT, "volume " + name + " is " + now.capacityBytes()
                        + " bytes; it is not shrunk to " + capacityBytes);
            }
            if (capacityBytes == now.capacityBytes()) {
                return now;
            }
            volume.resize(capacityBytes, 0);
            return volume(volume, name);
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
            refresh(pool);
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

    private static VolumeFacts volume(StorageVol volume, String name) throws LibvirtException {
        VolumeXml xml = parseVolume(volume.getXMLDesc(0));
        return new VolumeFacts(name, volume.getKey(), volume.getPath(), xml.format(), xml.capacityBytes(),
                xml.allocationBytes(), xml.backingStore());
    }

    /** The pool's definition and libvirt's sizes; an active pool is refreshed first so that they are current. */
    private static PoolFacts facts(StoragePool pool) throws LibvirtException {
        boolean active = pool.isActive() == 1;
        if (active) {
            refresh(pool);
        }
        PoolFacts read = parsePool(pool.getXMLDesc(0));
        StoragePoolInfo info = pool.getInfo();
        return new PoolFacts(read.name(), read.uuid(), read.type(), read.source(), read.targetPath(), info.capacity,
                info.allocation, info.available, active);
    }

    private static List<String> names(Connect connect) throws LibvirtException {
        var names = new ArrayList<String>(List.of(connect.listStoragePools()));
        names.addAll(List.of(connect.listDefinedStoragePools()));
        return names;
    }

    private static StoragePool require(Connect connect, String name) throws LibvirtException {
        return find(connect, name).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                "no datastore (storage pool) " + name));
    }

    private static Optional<StoragePool> find(Connect connect, String name) throws LibvirtException {
        try {
            return Optional.of(connect.storagePoolLookupByName(name));
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static void undefineQuietly(StoragePool pool) {
        try {
            if (pool.isActive() == 1) {
                pool.destroy();
            }
            pool.undefine();
        } catch (LibvirtException e) {
            // The first failure is the one to report; this one only leaves a stopped definition behind.
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
