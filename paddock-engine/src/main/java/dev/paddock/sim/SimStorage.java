package dev.paddock.sim;

import static dev.paddock.hypervisor.HypervisorException.Reason.ALREADY_EXISTS;
import static dev.paddock.hypervisor.HypervisorException.Reason.FAILED;
import static dev.paddock.hypervisor.HypervisorException.Reason.INSUFFICIENT_RESOURCES;
import static dev.paddock.hypervisor.HypervisorException.Reason.INVALID_ARGUMENT;
import static dev.paddock.hypervisor.HypervisorException.Reason.INVALID_STATE;
import static dev.paddock.hypervisor.HypervisorException.Reason.NOT_FOUND;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The simulated room's storage: storage servers the room offers (an NFS export, an iSCSI target, a Ceph pool), each
 * with its capacity and the volumes made on it, and the pools each host defines over them. Pools over the same
 * source on several hosts see the same volumes and the same free space; a {@code dir} pool is the host's own disk. An
 * iSCSI target offers one LUN as large as itself, allocated whole, as libvirt reports a real one.
 * Guarded by the simulator's lock; saved with the room's text ({@link RoomText}).
 */
final class SimStorage {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    /** A host that offers no disk in its capacity still has a system disk a directory pool lives on. */
    private static final long DEFAULT_HOST_DISK = 100 * GIB;

    /** The storage servers the room offers, by storage key. */
    private final Map<String, Server> servers = new LinkedHashMap<>();
    /** A store's size and its volumes by name, by storage key. */
    private final Map<String, Long> capacities = new LinkedHashMap<>();
    private final Map<String, Map<String, Volume>> volumes = new LinkedHashMap<>();
    /** By hostname, then pool name. */
    private final Map<String, Map<String, Pool>> pools = new LinkedHashMap<>();

    private record Pool(PoolSpec spec, String uuid) {}

    /**
     * A volume: the bytes it takes, its image format, the size its guest sees, the volume it is a linked clone of
     * (empty for none), and what was uploaded into it (empty when it reads as zeros: created, cloned, or restored
     * from the room's text, which keeps no contents).
     */
    record Volume(long bytes, String format, long capacity, Optional<String> backing, Optional<byte[]> content) {
        Volume(long bytes, String format) {
            this(bytes, format, bytes, Optional.empty(), Optional.empty());
        }
    }

    /** The one LUN a simulated iSCSI target offers, named as libvirt names it, as large as the target. */
    static final String LUN = "unit:0:0:1";

    /** What a linked clone takes at first: its qcow2 header and tables. */
    private static final long LINKED_CLONE_BYTES = 196_608;

    /** A storage server as it was added: what the room's text keeps of it. */
    record Server(PoolType type, PoolSource source, long capacityBytes) {}

    void addServer(PoolType type, PoolSource source, long capacityBytes) {
        if (!type.networked()) {
            throw new IllegalArgumentException("a storage server offers NFS, iSCSI or Ceph, not " + type.xmlName());
        }
        if (capacityBytes < 1) {
            throw new IllegalArgumentException("a storage server needs a positive capacity");
        }
        String key = source.storageKey(type, "");
        servers.put(key, new Server(type, source, capacityBytes));
        capacities.put(key, capacityBytes);
        volumes.putIfAbsent(key, new LinkedHashMap<>());
        if (isIscsi(type)) {
            volumes.get(key).putIfAbsent(LUN, new Volume(capacityBytes, "raw"));
        }
    }

    private static boolean isIscsi(PoolType type) {
        return type == PoolType.ISCSI || type == PoolType.ISCSI_DIRECT;
    }

    // The room's text ------------------------------------------------------------------------------------

    Map<String, Server> servers() {
        return Map.copyOf(servers);
    }

    /** Every pool's spec, by hostname, in definition order. */
    Map<String, List<PoolSpec>> poolSpecs() {
        Map<String, List<PoolSpec>> specs = new LinkedHashMap<>();
        pools.forEach((hostname, defined) -> specs.put(hostname,
                defined.values().stream().map(Pool::spec).toList()));
        return specs;
    }

    /** Every volume, by storage key, then name. */
    Map<String, Map<String, Volume>> volumesByStorage() {
        return volumes;
    }

    /** A pool read back from the room's text; its storage server (if any) is read before it. */
    void restorePool(SimHost host, PoolSpec spec) {
        define(host, host.hostname, spec);
    }

    void restoreVolume(String storageKey, String name, Volume volume) {
        Map<String, Volume> held = volumes.get(storageKey);
        if (held == null) {
            throw new IllegalArgumentException("volume " + name + " on unknown storage " + storageKey);
        }
        held.put(name, volume);
    }

    List<PoolFacts> pools(SimHost host) {
        return hostPools(host).values().stream().map(pool -> facts(host, pool)).toList();
    }

    PoolFacts define(SimHost host, String hostId, PoolSpec spec) {
        String key = key(host, spec);
        Map<String, Pool> defined = hostPools(host);
        Pool named = defined.get(spec.name());
        if (named != null) {
            if (!key(host, named.spec()).equals(key) || named.spec().type() != spec.type()) {
                throw new HypervisorException(ALREADY_EXISTS, "a storage pool named " + spec.name() + " exists"
                        + " already on host " + hostId + " over other storage");
            }
            return facts(host, named);
        }
        for (Pool pool : defined.values()) {
            if (pool.spec().type() == spec.type() && key(host, pool.spec()).equals(key)) {
                return facts(host, pool);
            }
        }
        if (spec.type() == PoolType.DIR) {
            capacities.putIfAbsent(key, host.capacity.diskGib() > 0 ? host.capacity.diskGib() * GIB : DEFAULT_HOST_DISK);
            volumes.putIfAbsent(key, new LinkedHashMap<>());
        } else if (!capacities.containsKey(key)) {
            throw new HypervisorException(FAILED, "cannot start storage pool " + spec.name() + " on host " + hostId
                    + ": no " + spec.type().xmlName() + " storage answers at " + key);
        }
        String uuid = UUID.nameUUIDFromBytes(("sim-pool:" + host.hostname + ":" + spec.name())
                .getBytes(StandardCharsets.UTF_8)).toString();
        Pool pool = new Pool(spec, uuid);
        defined.put(spec.name(), pool);
        return facts(host, pool);
    }

    /** True when a pool was removed. */
    boolean undefine(SimHost host, String name) {
        return hostPools(host).remove(name) != null;
    }

    List<VolumeFacts> volumes(SimHost host, String hostId, String poolName) {
        Pool pool = pool(host, hostId, poolName);
        List<VolumeFacts> listed = new ArrayList<>();
        volumes.get(key(host, pool.spec())).forEach((name, volume) -> listed.add(facts(pool.spec(), name, volume)));
        return listed;
    }

    VolumeFacts createVolume(SimHost host, String hostId, String poolName, String name, long capacityMib,
            String format) {
        if (!format.equals("qcow2") && !format.equals("raw")) {
            throw new HypervisorException(INVALID_ARGUMENT, "volume format must be qcow2 or raw, not " + format);
        }
        if (capacityMib < 1) {
            throw new HypervisorException(INVALID_ARGUMENT, "a volume needs at least 1 MiB, not " + capacityMib);
        }
        Pool pool = pool(host, hostId, poolName);
        if (isIscsi(pool.spec().type())) {
            throw new HypervisorException(INVALID_STATE, "an iSCSI pool's volumes are its target's LUNs: " + poolName
                    + " on host " + hostId + " makes none");
        }
        String key = key(host, pool.spec());
        Map<String, Volume> held = volumes.get(key);
        Volume existing = held.get(name);
        if (existing != null) {
            return facts(pool.spec(), name, existing);
        }
        long bytes = capacityMib * MIB;
        if (bytes > available(key)) {
            throw new HypervisorException(INSUFFICIENT_RESOURCES, "storage pool " + poolName + " on host " + hostId
                    + " has " + available(key) / MIB + " MiB free, not the " + capacityMib + " MiB volume " + name);
        }
        Volume made = new Volume(bytes, format);
        held.put(name, made);
        return facts(pool.spec(), name, made);
    }

    /**
     * Grows the volume's capacity; a volume allocated whole (any but a linked clone) takes the growth from its pool
     * at once.
     */
    VolumeFacts resizeVolume(SimHost host, String hostId, String poolName, String name, long capacityBytes) {
        Pool pool = pool(host, hostId, poolName);
        String key = key(host, pool.spec());
        Map<String, Volume> held = volumes.get(key);
        Volume volume = held.get(name);
        if (volume == null) {
            throw new HypervisorException(NOT_FOUND, "no volume " + name + " in storage pool " + poolName + " on host "
                    + hostId);
        }
        if (capacityBytes < volume.capacity()) {
            throw new HypervisorException(INVALID_ARGUMENT, "volume " + name + " is " + volume.capacity()
                    + " bytes; it is not shrunk to " + capacityBytes);
        }
        if (capacityBytes == volume.capacity()) {
            return facts(pool.spec(), name, volume);
        }
        boolean whole = volume.backing().isEmpty() && volume.content().isEmpty();
        long growth = whole ? capacityBytes - volume.capacity() : 0;
        if (growth > available(key)) {
            throw new HypervisorException(INSUFFICIENT_RESOURCES, "storage pool " + poolName + " on host " + hostId
                    + " has " + available(key) / MIB + " MiB free, not the " + (growth + MIB - 1) / MIB
                    + " MiB volume " + name + " grows by");
        }
        Volume grown = new Volume(volume.bytes() + growth, volume.format(), capacityBytes, volume.backing(),
                volume.content());
        held.put(name, grown);
        return facts(pool.spec(), name, grown);
    }

    /** As libvirt's iSCSI backends, an iSCSI pool deletes none of its LUNs. */
    void deleteVolume(SimHost host, String hostId, String poolName, String name) {
        Pool pool = pool(host, hostId, poolName);
        if (isIscsi(pool.spec().type()) && volumes.get(key(host, pool.spec())).containsKey(name)) {
            throw new HypervisorException(INVALID_STATE, "storage pool " + poolName + " on host " + hostId
                    + " does not support volume deletion");
        }
        volumes.get(key(host, pool.spec())).remove(name);
    }

    VolumeFacts cloneVolume(SimHost host, String hostId, String poolName, String name, String from, boolean linked,
            long capacityBytes) {
        Pool pool = pool(host, hostId, poolName);
        Map<String, Volume> held = volumes.get(key(host, pool.spec()));
        Volume source = held.get(from);
        if (source == null) {
            throw new HypervisorException(NOT_FOUND, "no volume " + from + " in storage pool " + poolName + " on host "
                    + hostId);
        }
        Volume existing = held.get(name);
        if (existing != null) {
            return facts(pool.spec(), name, existing);
        }
        long capacity = Math.max(capacityBytes, source.capacity());
        long bytes = linked ? LINKED_CLONE_BYTES : source.bytes();
        long available = available(key(host, pool.spec()));
        if (bytes > available) {
            throw new HypervisorException(INSUFFICIENT_RESOURCES, "storage pool " + poolName + " on host " + hostId
                    + " has " + available / MIB + " MiB free, not the " + (bytes + MIB - 1) / MIB + " MiB a copy of "
                    + from + " needs");
        }
        Volume made = linked ? new Volume(bytes, "qcow2", capacity, Optional.of(from), Optional.empty())
                : new Volume(bytes, source.format(), capacity, Optional.empty(), source.content());
        held.put(name, made);
        return facts(pool.spec(), name, made);
    }

    VolumeFacts uploadVolume(SimHost host, String hostId, String poolName, String name, byte[] content) {
        Pool pool = pool(host, hostId, poolName);
        String key = key(host, pool.spec());
        Map<String, Volume> held = volumes.get(key);
        if (held.containsKey(name)) {
            throw new HypervisorException(ALREADY_EXISTS, "storage pool " + poolName + " on host " + hostId
                    + " has a volume named " + name + " already");
        }
        if (content.length > available(key)) {
            throw new HypervisorException(INSUFFICIENT_RESOURCES, "storage pool " + poolName + " on host " + hostId
                    + " has " + available(key) / MIB + " MiB free, not the " + content.length / MIB + " MiB of " + name);
        }
        String format = probe(content);
        Volume made = new Volume(content.length, format, format.equals("qcow2") ? virtualSize(content)
                : content.length, Optional.empty(), Optional.of(content));
        held.put(name, made);
        return facts(pool.spec(), name, made);
    }

    /** A volume's contents: what was uploaded, or zeros. */
    byte[] contents(SimHost host, String hostId, String poolName, String name) {
        Pool pool = pool(host, hostId, poolName);
        Volume volume = volumes.get(key(host, pool.spec())).get(name);
        if (volume == null) {
            throw new HypervisorException(NOT_FOUND, "no volume " + name + " in storage pool " + poolName + " on host "
                    + hostId);
        }
        return volume.content().orElseGet(() -> new byte[(int) Math.min(volume.bytes(), 1 << 20)]);
    }

    /**
     * Copies a file of the host into a pool. A simulated host's only files are its pools' volumes, found by their
     * paths.
     */
    VolumeFacts importVolume(SimHost host, String hostId, String poolName, String name, String path) {
        Pool target = pool(host, hostId, poolName);
        for (Pool pool : hostPools(host).values()) {
            for (Map.Entry<String, Volume> volume : volumes.get(key(host, pool.spec())).entrySet()) {
                if (facts(pool.spec(), volume.getKey(), volume.getValue()).path().equals(path)) {
                    Map<String, Volume> held = volumes.get(key(host, target.spec()));
                    if (held.containsKey(name)) {
                        throw new HypervisorException(ALREADY_EXISTS, "storage pool " + poolName + " on host "
                                + hostId + " has a volume named " + name + " already");
                    }
                    Volume source = volume.getValue();
                    Volume copy = new Volume(source.bytes(), source.format(), source.capacity(), Optional.empty(),
                            source.content());
                    held.put(name, copy);
                    return facts(target.spec(), name, copy);
                }
            }
        }
        throw new HypervisorException(NOT_FOUND, "host " + hostId + " has no file " + path);
    }

    /** A qcow2 image's virtual size: the big-endian number at byte 24 of its header. */
    private static long virtualSize(byte[] content) {
        long size = 0;
        for (int i = 24; i < 32 && i < content.length; i++) {
            size = size << 8 | (content[i] & 0xff);
        }
        return size;
    }

    /** The image format libvirt would probe: qcow2 by its magic, an ISO 9660 image by its descriptor, else raw. */
    static String probe(byte[] content) {
        if (content.length >= 4 && content[0] == 'Q' && content[1] == 'F' && content[2] == 'I'
                && (content[3] & 0xff) == 0xfb) {
            return "qcow2";
        }
        if (content.length >= 32774 && new String(content, 32769, 5, StandardCharsets.US_ASCII).equals("CD001")) {
            return "iso";
        }
        return "raw";
    }

    private Pool pool(SimHost host, String hostId, String name) {
        Pool pool = hostPools(host).get(name);
        if (pool == null) {
            throw new HypervisorException(NOT_FOUND, "no datastore (storage pool) " + name + " on host " + hostId);
        }
        return pool;
    }

    private Map<String, Pool> hostPools(SimHost host) {
        return pools.computeIfAbsent(host.hostname, h -> new LinkedHashMap<>());
    }

    private PoolFacts facts(SimHost host, Pool pool) {
        String key = key(host, pool.spec());
        long capacity = capacities.get(key);
        long available = available(key);
        return new PoolFacts(pool.spec().name(), pool.uuid(), pool.spec().type(), pool.spec().source(),
                pool.spec().targetPath(), capacity, capacity - available, available, true);
    }

    private long available(String key) {
        long used = volumes.get(key).values().stream().mapToLong(Volume::bytes).sum();
        return Math.max(0, capacities.get(key) - used);
    }

    /** A volume's facts; it is allocated whole (the simulator has no thin provisioning). */
    private static VolumeFacts facts(PoolSpec spec, String name, Volume volume) {
        String path = spec.targetPath().isEmpty() ? spec.source().storageKey(spec.type(), "") + "/" + name
                : spec.targetPath() + "/" + name;
        Optional<String> backing = volume.backing().map(from -> (spec.targetPath().isEmpty()
                ? spec.source().storageKey(spec.type(), "") : spec.targetPath()) + "/" + from);
        return new VolumeFacts(name, path, path, volume.format(), volume.capacity(), volume.bytes(), backing);
    }

    /** A directory is the host's own; network storage is one store for every host that names the same source. */
    private static String key(SimHost host, PoolSpec spec) {
        return spec.type() == PoolType.DIR ? "dir:" + host.hostname + ":" + spec.targetPath()
                : spec.source().storageKey(spec.type(), "");
    }
}
