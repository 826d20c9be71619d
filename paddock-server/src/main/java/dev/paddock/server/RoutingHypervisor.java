package dev.paddock.server;

import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostFacts;
import dev.paddock.hypervisor.HostStats;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.SerialConsole;
import dev.paddock.hypervisor.VncDisplay;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.Nic;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One Hypervisor over two: hosts attached at {@code sim://} go to the simulated room, hosts at a libvirt URI
 * ({@code qemu:///}, {@code qemu+tcp://}, {@code qemu+ssh://}, {@code qemu+tls://}) to libvirt. Events of both
 * reach every subscriber.
 *
 * <p>The libvirt side is made on the first libvirt host, so that a server on a machine without libvirt still runs
 * the simulated room; a libvirt that cannot load is the caller's error on that host only.
 *
 * <p>A libvirt domain defined without a boot whose first disk holds no operating system (not cloned from an image)
 * boots the configured default, the shared directory's kernel and initramfs; without one it is defined as asked.
 *
 * <p>Disks are named in the model by datastore ({@link DomainBuilder#datastorePath}); with a datastore root, the disk
 * files of libvirt domains are under it instead ({@code ROOT/<datastore id>/<vm>-<disk>.qcow2}): the lab's
 * shared directory, which every host sees at the same path, so a VM restarted on another host finds its disk.
 */
public final class RoutingHypervisor implements Hypervisor {

    /** URI schemes that libvirt answers (test: is libvirt's in-process test driver); others are refused. */
    static final List<String> LIBVIRT_SCHEMES = List.of("qemu:", "qemu+tcp:", "qemu+ssh:", "qemu+libssh:",
            "qemu+libssh2:", "qemu+tls:", "qemu+unix:", "test:");
    private static final String SIM_SCHEME = "sim:";

    private final Hypervisor simulated;
    private final Supplier<Hypervisor> libvirtFactory;
    private final Optional<DomainSpec.DirectBoot> libvirtBoot;
    private final Optional<Path> libvirtDatastores;
    private final Map<String, Hypervisor> byHost = new ConcurrentHashMap<>();
    private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Hypervisor.Subscription simSubscription;
    private final Optional<HostLogins> logins;
    private volatile Hypervisor libvirt;
    private Hypervisor.Subscription libvirtSubscription;

    /**
     * @param libvirtFactory called at most once, on the first libvirt host
     * @param libvirtBoot how libvirt domains defined without a boot start
     */
    public RoutingHypervisor(Hypervisor simulated, Supplier<Hypervisor> libvirtFactory,
            Optional<DomainSpec.DirectBoot> libvirtBoot) {
        this(simulated, libvirtFactory, libvirtBoot, Optional.empty());
    }

    /** @param libvirtDatastores the directory holding a directory per datastore for libvirt hosts' disk files */
    public RoutingHypervisor(Hypervisor simulated, Supplier<Hypervisor> libvirtFactory,
            Optional<DomainSpec.DirectBoot> libvirtBoot, Optional<Path> libvirtDatastores) {
        this(simulated, libvirtFactory, libvirtBoot, libvirtDatastores, Optional.empty());
    }

    /**
     * @param logins what turns a host URI naming a stored credential ({@code ?credential=NAME}) into the URI libvirt
     *     connects with; without it, such a URI is refused
     */
    public RoutingHypervisor(Hypervisor simulated, Supplier<Hypervisor> libvirtFactory,
            Optional<DomainSpec.DirectBoot> libvirtBoot, Optional<Path> libvirtDatastores,
            Optional<HostLogins> logins) {
        this.logins = logins;
        this.simulated = simulated;
        this.libvirtFactory = libvirtFactory;
        this.libvirtBoot = libvirtBoot;
        this.libvirtDatastores = libvirtDatastores;
        this.simSubscription = simulated.subscribe(this::publish);
    }

    /** The simulated side, when it is the simulated room (as it is in every server). */
    public Optional<dev.paddock.sim.SimulatedHypervisor> simulator() {
        return simulated instanceof dev.paddock.sim.SimulatedHypervisor sim ? Optional.of(sim) : Optional.empty();
    }

    /** The libvirt side, once a libvirt host has been attached. */
    public Optional<Hypervisor> libvirt() {
        return Optional.ofNullable(libvirt);
    }

    @Override
    public HostFacts attach(String hostId, String uri) {
        Hypervisor backend = backendFor(uri);
        HostFacts facts = backend.attach(hostId, connectable(uri));
        Hypervisor previous = byHost.put(hostId, backend);
        if (previous != null && previous != backend) {
            previous.detach(hostId);
        }
        return facts;
    }

    /** The URI libvirt connects with: a stored credential's files named in it, when it names one. */
    private String connectable(String uri) {
        if (HostLogins.parameter(uri, HostLogins.PARAMETER).isEmpty()) {
            return uri;
        }
        return logins.orElseThrow(() -> new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT,
                "this server keeps no libvirt credentials, so '" + HostLogins.PARAMETER + "=' in a host URI names"
                + " nothing")).resolve(uri);
    }

    private Hypervisor backendFor(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith(SIM_SCHEME)) {
            return simulated;
        }
        if (LIBVIRT_SCHEMES.stream().anyMatch(lower::startsWith)) {
            return openLibvirt();
        }
        throw new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT, "'" + uri
                + "' is not a host URI Paddock knows: use sim://NAME for a simulated host or qemu+tcp://, qemu+ssh://,"
                + " qemu+libssh://, qemu+tls:// or qemu:/// for a libvirt host");
    }

    private synchronized Hypervisor openLibvirt() {
        if (libvirt == null) {
            Hypervisor made;
            try {
                made = libvirtFactory.get();
            } catch (LinkageError e) {
                throw new HypervisorException(HypervisorException.Reason.UNREACHABLE,
                        "libvirt cannot be loaded on the Paddock server (is libvirt0 installed?): " + e.getMessage(), e);
            }
            libvirtSubscription = made.subscribe(this::publish);
            libvirt = made;
        }
        return libvirt;
    }

    /** A host not attached yet goes to the simulated room, which answers for unknown hosts as the port says. */
    private Hypervisor route(String hostId) {
        return byHost.getOrDefault(hostId, simulated);
    }

    @Override
    public void detach(String hostId) {
        Hypervisor backend = byHost.remove(hostId);
        if (backend != null) {
            backend.detach(hostId);
        }
    }

    @Override
    public boolean isConnected(String hostId) {
        Hypervisor backend = byHost.get(hostId);
        return backend != null && backend.isConnected(hostId);
    }

    @Override
    public Optional<Instant> silentSince(String hostId) {
        Hypervisor backend = byHost.get(hostId);
        return backend == null ? Optional.empty() : backend.silentSince(hostId);
    }

    @Override
    public HostFacts facts(String hostId) {
        return route(hostId).facts(hostId);
    }

    @Override
    public List<DomainInfo> domains(String hostId) {
        return route(hostId).domains(hostId);
    }

    @Override
    public List<DomainStats> domainStats(String hostId) {
        return route(hostId).domainStats(hostId);
    }

    @Override
    public HostStats hostStats(String hostId) {
        return route(hostId).hostStats(hostId);
    }

    @Override
    public Optional<DomainInfo> domain(String hostId, String uuid) {
        return route(hostId).domain(hostId, uuid);
    }

    /**
     * Defines on the host's side. A libvirt domain gets the configured boot when it names none and its disks under
     * the datastore root; every other field of {@code spec} (watchdog, NICs, vCPUs, memory) is defined as asked.
     */
    @Override
    public DomainInfo define(String hostId, DomainSpec spec) {
        Hypervisor backend = route(hostId);
        if (backend != simulated && spec.directBoot().isEmpty() && !spec.osOnDisk() && libvirtBoot.isPresent()) {
            spec = spec.withDirectBoot(libvirtBoot);
        }
        if (backend != simulated && libvirtDatastores.isPresent()) {
            Path root = libvirtDatastores.get();
            spec = spec.withDisks(spec.disks().stream().map(disk -> onDatastoreRoot(disk, root)).toList());
        }
        return backend.define(hostId, spec);
    }

    /**
     * The definition as the host holds it, its disks named as the model names them again: a domain defined here
     * reads back as what was asked, plus the boot the host added.
     */
    @Override
    public Optional<DomainSpec> definition(String hostId, String uuid) {
        Hypervisor backend = route(hostId);
        Optional<DomainSpec> held = backend.definition(hostId, uuid);
        if (backend == simulated || libvirtDatastores.isEmpty()) {
            return held;
        }
        Path root = libvirtDatastores.get();
        return held.map(spec -> spec.withDisks(spec.disks().stream().map(disk -> offDatastoreRoot(disk, root))
                .toList()));
    }

    /** A disk named under the model's datastore root, moved under {@code root}; any other path is kept. */
    static DomainSpec.DiskSpec onDatastoreRoot(DomainSpec.DiskSpec disk, Path root) {
        return moved(disk, DomainBuilder.DATASTORE_ROOT, root.toString());
    }

    /** The inverse of {@link #onDatastoreRoot}: a disk under {@code root} named under the model's root again. */
    static DomainSpec.DiskSpec offDatastoreRoot(DomainSpec.DiskSpec disk, Path root) {
        return moved(disk, root.toString(), DomainBuilder.DATASTORE_ROOT);
    }

    private static DomainSpec.DiskSpec moved(DomainSpec.DiskSpec disk, String from, String to) {
        // a pool's volume or a network image (an NFS export's path on its server) is no file of the host's
        if (disk.pool().isPresent() || disk.remote().isPresent() || !disk.path().startsWith(from + "/")) {
            return disk;
        }
        return new DomainSpec.DiskSpec(disk.target(), to + disk.path().substring(from.length()), disk.format(),
                disk.sizeGib(), Optional.empty(), disk.readOnly(), Optional.empty());
    }

    @Override
    public void start(String hostId, String uuid) {
        route(hostId).start(hostId, uuid);
    }

    @Override
    public void shutdown(String hostId, String uuid) {
        route(hostId).shutdown(hostId, uuid);
    }

    @Override
    public void destroy(String hostId, String uuid) {
        route(hostId).destroy(hostId, uuid);
    }

    @Override
    public void undefine(String hostId, String uuid) {
        route(hostId).undefine(hostId, uuid);
    }

    @Override
    public void suspend(String hostId, String uuid) {
        route(hostId).suspend(hostId, uuid);
    }

    @Override
    public void resume(String hostId, String uuid) {
        route(hostId).resume(hostId, uuid);
    }

    @Override
    public void quarantine(String hostId, String uuid) {
        route(hostId).quarantine(hostId, uuid);
    }

    @Override
    public MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress) {
        Hypervisor from = route(fromHostId);
        if (from != route(toHostId)) {
            throw new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT, "cannot migrate between a "
                    + "simulated host and a libvirt host (" + fromHostId + " to " + toHostId + ")");
        }
        return from.migrate(uuid, fromHostId, toHostId, options, progress);
    }

    @Override
    public List<HostNetwork> networks(String hostId) {
        return route(hostId).networks(hostId);
    }

    @Override
    public List<HostBridge> bridges(String hostId) {
        return route(hostId).bridges(hostId);
    }

    @Override
    public Optional<HostBridge> bridge(String hostId, String name) {
        return route(hostId).bridge(hostId, name);
    }

    @Override
    public HostNetwork defineNetwork(String hostId, NetworkSpec spec) {
        return route(hostId).defineNetwork(hostId, spec);
    }

    @Override
    public void undefineNetwork(String hostId, String name) {
        route(hostId).undefineNetwork(hostId, name);
    }

    @Override
    public List<PoolFacts> pools(String hostId) {
        return route(hostId).pools(hostId);
    }

    @Override
    public PoolFacts definePool(String hostId, PoolSpec spec) {
        return route(hostId).definePool(hostId, spec);
    }

    @Override
    public void undefinePool(String hostId, String name) {
        route(hostId).undefinePool(hostId, name);
    }

    @Override
    public List<VolumeFacts> volumes(String hostId, String pool) {
        return route(hostId).volumes(hostId, pool);
    }

    @Override
    public VolumeFacts createVolume(String hostId, String pool, String name, long capacityMib, String format) {
        return route(hostId).createVolume(hostId, pool, name, capacityMib, format);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts cloneVolume(String hostId, String pool, String name, String from,
            boolean linked, long capacityBytes, java.util.function.Consumer<Double> progress) {
        return route(hostId).cloneVolume(hostId, pool, name, from, linked, capacityBytes, progress);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts uploadVolume(String hostId, String pool, String name, long length,
            java.io.InputStream data) {
        return route(hostId).uploadVolume(hostId, pool, name, length, data);
    }

    @Override
    public void downloadVolume(String hostId, String pool, String name, java.io.OutputStream out) {
        route(hostId).downloadVolume(hostId, pool, name, out);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts importVolume(String hostId, String pool, String name, String path) {
        return route(hostId).importVolume(hostId, pool, name, path);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts resizeVolume(String hostId, String pool, String name,
            long capacityBytes) {
        return route(hostId).resizeVolume(hostId, pool, name, capacityBytes);
    }

    @Override
    public void attachNic(String hostId, String uuid, dev.paddock.hypervisor.DomainSpec.NicSpec nic) {
        route(hostId).attachNic(hostId, uuid, nic);
    }

    @Override
    public void detachNic(String hostId, String uuid, String mac) {
        route(hostId).detachNic(hostId, uuid, mac);
    }

    @Override
    public void attachDisk(String hostId, String uuid, DomainSpec.DiskSpec disk) {
        Hypervisor backend = route(hostId);
        backend.attachDisk(hostId, uuid, backend != simulated && libvirtDatastores.isPresent()
                ? onDatastoreRoot(disk, libvirtDatastores.get()) : disk);
    }

    @Override
    public void detachDisk(String hostId, String uuid, String target) {
        route(hostId).detachDisk(hostId, uuid, target);
    }

    @Override
    public SerialConsole openSerialConsole(String hostId, String uuid, boolean force) {
        return route(hostId).openSerialConsole(hostId, uuid, force);
    }

    @Override
    public VncDisplay vncDisplay(String hostId, String uuid) {
        return route(hostId).vncDisplay(hostId, uuid);
    }

    @Override
    public dev.paddock.hypervisor.BackupExport beginBackup(String hostId, String uuid,
            dev.paddock.hypervisor.BackupRequest request) {
        return route(hostId).beginBackup(hostId, uuid, request);
    }

    @Override
    public void endBackup(String hostId, String uuid) {
        route(hostId).endBackup(hostId, uuid);
    }

    @Override
    public List<dev.paddock.hypervisor.Checkpoint> checkpoints(String hostId, String uuid) {
        return route(hostId).checkpoints(hostId, uuid);
    }

    @Override
    public void redefineCheckpoints(String hostId, String uuid, List<dev.paddock.hypervisor.Checkpoint> chain) {
        route(hostId).redefineCheckpoints(hostId, uuid, chain);
    }

    @Override
    public void deleteCheckpoint(String hostId, String uuid, String name) {
        route(hostId).deleteCheckpoint(hostId, uuid, name);
    }

    @Override
    public void forgetCheckpoints(String hostId, String uuid) {
        route(hostId).forgetCheckpoints(hostId, uuid);
    }

    @Override
    public VncDisplay rotateVncPassword(String hostId, String uuid) {
        return route(hostId).rotateVncPassword(hostId, uuid);
    }

    @Override
    public void mirrorNic(String hostId, String uuid, String mac, Optional<Nic.Mirror> mirror) {
        route(hostId).mirrorNic(hostId, uuid, mac, mirror);
    }

    @Override
    public int guardSwitch(String hostId, String switchName, List<dev.paddock.hypervisor.PortGuard> guards) {
        return route(hostId).guardSwitch(hostId, switchName, guards);
    }

    @Override
    public List<String> switchPorts(String hostId, String uuid, String mac) {
        return route(hostId).switchPorts(hostId, uuid, mac);
    }

    @Override
    public Optional<Nic.Mirror> nicMirror(String hostId, String uuid, String mac) {
        return route(hostId).nicMirror(hostId, uuid, mac);
    }

    @Override
    public void growDisk(String hostId, String uuid, String target, long capacityBytes) {
        route(hostId).growDisk(hostId, uuid, target, capacityBytes);
    }

    @Override
    public void setVcpus(String hostId, String uuid, int vcpus) {
        route(hostId).setVcpus(hostId, uuid, vcpus);
    }

    @Override
    public void setMemory(String hostId, String uuid, long memoryMib) {
        route(hostId).setMemory(hostId, uuid, memoryMib);
    }

    @Override
    public void deleteVolume(String hostId, String pool, String name) {
        route(hostId).deleteVolume(hostId, pool, name);
    }

    @Override
    public void abortMigration(String fromHostId, String uuid) {
        route(fromHostId).abortMigration(fromHostId, uuid);
    }

    @Override
    public Subscription subscribe(Consumer<HypervisorEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void publish(HypervisorEvent event) {
        for (Consumer<HypervisorEvent> listener : listeners) {
            listener.accept(event);
        }
    }

    /** Closes both sides (the simulated one too: the server hands it over). */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        Hypervisor made;
        synchronized (this) {
            made = libvirt;
        }
        if (made != null) {
            libvirtSubscription.close();
            closeQuietly(made, failures);
        }
        simSubscription.close();
        closeQuietly(simulated, failures);
        byHost.clear();
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }

    private static void closeQuietly(Hypervisor hypervisor, List<RuntimeException> failures) {
        try {
            hypervisor.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
